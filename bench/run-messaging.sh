#!/usr/bin/env bash
# Messaging benchmarks: pub/sub 1→1, 1→10, 10→1, subject matching with 100 000 subscriptions,
# request/response at 1 and 32 in flight, pub/sub 1→1 over WebSocket; the node next to NATS,
# Redis, Mosquitto, RSocket and gRPC in the same run. Results: docs/benchmarks.md.
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Installs nats-server, redis-server and mosquitto with apt-get when they are missing, starts
# them on loopback (ports 4222, 6379, 1883 must be free) and stops them at the end.
# Usage:
#   bench/run-messaging.sh                          # every part, default options
#   bench/run-messaging.sh pubsub rounds=9          # one part, other options (MessagingBench.OPTIONS)
#   BENCH_MAVEN_ARGS=-o bench/run-messaging.sh rpc  # extra Maven arguments (here: offline)
# Parts: pubsub match rpc ws all.
set -euo pipefail
# Every measured round also goes to CSV in results=DIR (relative to the directory the script is
# started in; default: a new bench/target/results/<bench>-<date>-<time>); bench/report.sh DIR draws them.
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

need=()
command -v nats-server >/dev/null || need+=(nats-server)
command -v redis-server >/dev/null || need+=(redis-server)
command -v mosquitto >/dev/null && [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

nats-server -a 127.0.0.1 -p 4222 >"$work/nats.log" 2>&1 &
pids+=($!)
redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --client-output-buffer-limit "pubsub 0 0 0" --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
printf 'listener 1883 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\n' >"$work/mosquitto.conf"
"$MOSQUITTO" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

# RSocket 1.1.4 runs on Netty 4.1: its peer is built from its own POM and runs from its own class path.
mvn -B -q ${BENCH_MAVEN_ARGS:-} -f bench/rsocket-peer/pom.xml package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt
echo ":$PWD/bench/rsocket-peer/target/aldis-bench-rsocket-peer-0.2.0-SNAPSHOT.jar" >>bench/rsocket-peer/target/classpath.txt

sleep 1
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.MessagingBench \
    -Dbench.args="rsocketClassPath=$PWD/bench/rsocket-peer/target/classpath.txt $*"

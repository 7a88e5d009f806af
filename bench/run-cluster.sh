#!/usr/bin/env bash
# Pub/sub across a cluster: 1→1 and 1→10 with the publisher on one node and the subscribers on the
# others, on a 3-node Aldis cluster (three node JVMs linked by the cluster feature) next to a
# 3-server NATS cluster with routes, in the same run with interleaved rounds; then the cost of one
# hop for RPC and the time from a node's kill -9 to its clients resumed on the others. Results:
# docs/benchmarks.md, "Cluster".
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Installs nats-server with apt-get when it is missing, starts three servers on loopback (client
# ports 4322-4324 and route ports 6322-6324 must be free) and stops them at the end.
# Usage:
#   bench/run-cluster.sh                             # default options
#   bench/run-cluster.sh rounds=9 size=1024          # other options (MessagingBench.OPTIONS)
#   bench/run-cluster.sh dataPaths=links linkTls=true  # links without and with TLS side by side
#   BENCH_MAVEN_ARGS=-o bench/run-cluster.sh         # extra Maven arguments (here: offline)
set -euo pipefail
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

if ! command -v nats-server >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nats-server
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Each server routes to the other two, as the NATS documentation's cluster on one host does.
for n in 0 1 2; do
    routes=()
    for m in 0 1 2; do
        [ "$m" = "$n" ] || routes+=("nats://127.0.0.1:$((6322 + m))")
    done
    nats-server -a 127.0.0.1 -p $((4322 + n)) --cluster_name aldis-bench --cluster "nats://127.0.0.1:$((6322 + n))" \
        --routes "$(IFS=,; echo "${routes[*]}")" >"$work/nats-$n.log" 2>&1 &
    pids+=($!)
done

sleep 1
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.MessagingBench \
    -Dbench.args="cluster natsClusterPorts=4322,4323,4324 $*"

# The NATS servers are done with.
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()

# The two other figures of a cluster, in the node JVMs of the cluster tests: the cost of one hop
# for RPC (32 calls in flight, across two nodes beside one node), and the time from a node's
# kill -9 to its clients' sessions resumed on the other nodes.
figure() {
    local log="$work/$1.log" pattern="$2"
    shift 2
    if ! mvn -B ${BENCH_MAVEN_ARGS:-} -pl itest verify -DskipITs "$@" -Dsurefire.failIfNoSpecifiedTests=false \
        >"$log" 2>&1 || ! grep -a "$pattern" "$log"; then
        tail -40 "$log"
        echo "no figure from $1" >&2
        exit 1
    fi
}
figure rpc "cluster rpc figures:" -Plong -Dtest=ClusterRpcRateLongTest
figure failover "From the kill -9" -Dtest=ClusterFailoverTest

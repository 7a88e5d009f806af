#!/usr/bin/env bash
# Stream benchmarks: callee→caller streams of small items (item credit) and of 64 KiB items (byte
# credit), caller→callee and bidirectional streams, the node next to RSocket and gRPC in the same
# run; the latency of calls beside a stream on one connection, and (opt-in) the node's heap while
# 4 GiB flow to a slow reader. Results: docs/benchmarks.md.
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Usage:
#   bench/run-streams.sh                           # the default parts, default options
#   bench/run-streams.sh server rounds=9           # one part, other options (StreamBench.OPTIONS)
#   BENCH_MAVEN_ARGS=-o bench/run-streams.sh bytes # extra Maven arguments (here: offline)
#   bench/run-streams.sh memory                    # the node's heap under a 4 GiB stream (over a minute)
# Parts: server bytes fairness client bidi all (those five), memory (only when named).
set -euo pipefail
# Every measured round also goes to CSV in results=DIR (relative to the directory the script is
# started in; default: a new bench/target/results/<bench>-<date>-<time>); bench/report.sh DIR draws them.
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

# RSocket 1.1.4 runs on Netty 4.1: its peer is built from its own POM and runs from its own class path.
mvn -B -q ${BENCH_MAVEN_ARGS:-} -f bench/rsocket-peer/pom.xml package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt
echo ":$PWD/bench/rsocket-peer/target/aldis-bench-rsocket-peer-0.2.0-SNAPSHOT.jar" >>bench/rsocket-peer/target/classpath.txt

exec mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.StreamBench \
    -Dbench.args="rsocketClassPath=$PWD/bench/rsocket-peer/target/classpath.txt $*"

#!/usr/bin/env bash
# Session benchmarks of protocol v1: new sessions per second, heap of idle sessions, heartbeat CPU.
# Results and how to read them: docs/benchmarks.md, section "Sessions (protocol v1 foundation)".
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Usage:
#   bench/run-sessions.sh                                # rate, heap and heartbeat with the defaults
#   bench/run-sessions.sh rate connectors=8 rounds=9     # one part, other options
#   BENCH_MAVEN_ARGS=-o bench/run-sessions.sh            # extra Maven arguments (here: offline)
#   BENCH_MAVEN_ARGS="-o -Dbench.jvmArgs=-Xmx8g" bench/run-sessions.sh heap sessions=100000 nodeHeap=4g \
#       hosts=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5   # 100 000 idle sessions
# Parts: rate heap heartbeat partial all (partial: partialTransport=tcp or ws). Options and defaults: see SessionBench.OPTIONS.
set -euo pipefail
# Every measured round also goes to CSV in results=DIR (relative to the directory the script is
# started in; default: a new bench/target/results/<bench>-<date>-<time>); bench/report.sh DIR draws them.
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

# N sessions need about N descriptors in each of the two JVMs: 300 000 where the user may raise the
# hard limit (root), else the hard limit.
ulimit -n 300000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec -Dbench.args="$*"

#!/usr/bin/env bash
# Authentication throttle benchmark: guesses per second an attacker gets judged (one address in
# parallel; rotating loopback addresses without waiting for verdicts) and the real user's login
# time under that attack. Results and how to read them: docs/benchmarks.md, section
# "Authentication throttling".
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Usage:
#   bench/run-auth.sh                                    # both parts with the defaults
#   bench/run-auth.sh rotate attackSeconds=60            # one part, other options
#   BENCH_MAVEN_ARGS=-o bench/run-auth.sh                # extra Maven arguments (here: offline)
# Parts: parallel rotate all. Options and defaults: see AuthBench.OPTIONS.
set -euo pipefail
# Every measured round also goes to CSV in results=DIR (relative to the directory the script is
# started in; default: a new bench/target/results/<bench>-<date>-<time>); bench/report.sh DIR draws them.
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.AuthBench -Dbench.args="$*"

#!/usr/bin/env bash
# Draws the charts of a benchmark run: every CSV file the runners wrote (bench/run-*.sh, option
# results=DIR) becomes SVG charts: throughput per system as bars with the range over the rounds,
# latency by percentile as lines, time series (first column "time (s)") as line charts.
# The format of the files and the charts: docs/benchmarks.md, "Charts".
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# Usage:
#   bench/report.sh <results-dir>                 # charts into docs/charts
#   bench/report.sh <results-dir> <charts-dir>    # charts elsewhere
#   BENCH_MAVEN_ARGS=-o bench/report.sh docs/results   # extra Maven arguments (here: offline)
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: bench/report.sh <results-dir> [<charts-dir>]   (charts go to docs/charts by default)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
results=$(realpath -m -- "$1")
charts=$(realpath -m -- "${2:-$root/docs/charts}")
if [ ! -d "$results" ]; then
    echo "bench/report.sh: no results directory $results (give the directory a runner's results= option named)" >&2
    exit 2
fi
cd "$root"
exec mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.report.Report -Dbench.jvmArgs=-Xmx256m -Dbench.args="$results $charts"

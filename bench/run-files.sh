#!/usr/bin/env bash
# File-transfer benchmarks: a file uploaded and downloaded disk to disk on loopback through the node
# (Java client, default settings) and through its peers, and many
# uploads at once, next to an rsync daemon (rsync://, --whole-file), scp and nc in the same run, and
# the "Java floor": the least work any verified transfer must do, with no protocol (VerifiedCopy).
# Results: docs/benchmarks.md, "File transfer".
#
# Needs the other modules installed first:  mvn -B install -DskipTests
# and the peers' tools (Debian):             apt-get install rsync openssh-server netcat-openbsd
# Usage:
#   bench/run-files.sh                            # every part, default options
#   bench/run-files.sh transfer sizeMiB=256       # one part, other options (FileBench.OPTIONS)
#   bench/run-files.sh compression memory systems=aldis   # the node alone: adaptive LZ4, heap growth
#   bench/run-files.sh transfer systems=aldis,aldisnio    # the node and client on epoll and on NIO
#   bench/run-files.sh transfer systems=aldis,rsyncdaemon,javafloor   # the node against the floor, with and without SHA-256
#   bench/run-files.sh resume browser systems=aldis       # resume cost; client.js's speed (Node.js 20 or 22)
#   bench/run-files.sh pages                      # this machine's page cache: memory freed just before or 5 s before
#   bench/run-files.sh transfer pages=aged        # no memory freed right before each transfer (as until 6 Dec 2026)
#   bench/run-files.sh compression link=2gbit     # loopback limited to 2 Gbit/s meanwhile (tc, as root)
#   BENCH_MAVEN_ARGS=-o bench/run-files.sh        # extra Maven arguments (here: offline)
set -euo pipefail
# Every measured round also goes to CSV in results=DIR (relative to the directory the script is
# started in; default: a new bench/target/results/<bench>-<date>-<time>); bench/report.sh DIR draws them.
export ALDIS_BENCH_CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."
for tool in rsync scp /usr/sbin/sshd nc ss; do
    command -v "$tool" >/dev/null || { echo "bench/run-files.sh needs $tool (see the comment at the top)" >&2; exit 2; }
done
# link=RATE (a rate as tc(8) writes it, e.g. 2gbit): for the run, a token bucket on the loopback
# interface lets through at most RATE, so that the link, not the CPU, limits what moves, as between
# two machines on such a network; it is taken off when the run ends. Needs root and tc (iproute2).
args=()
link=""
for arg in "$@"; do
    case "$arg" in
        link=*) link="${arg#link=}" ;;
        *) args+=("$arg") ;;
    esac
done
if [ -n "$link" ]; then
    command -v tc >/dev/null || { echo "link= needs tc (apt-get install iproute2)" >&2; exit 2; }
    tc qdisc add dev lo root tbf rate "$link" burst 1mb latency 50ms \
        || { echo "cannot limit the loopback interface to $link (as root, with no other qdisc on lo)" >&2; exit 2; }
    trap 'tc qdisc del dev lo root' EXIT
fi
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.FileBench -Dbench.args="${args[*]:-}"

#!/usr/bin/env bash
# The README's "Running several nodes", run as a newcomer would and checked step by step: three
# copies of the distribution in a scratch folder, their own ports and node names, a console user,
# etc/io.aldis.cluster.cfg, `feature:install aldis-cluster` through each node's bin/client,
# aldis:cluster-list with three members, a message published on node 3 that reaches a client of
# node 1, an RPC call made on node 1 that node 2 serves, and a Java client given node 1's address
# only (FailoverClient) that resumes on another node after node 1's kill -9 and gets a message
# published after it, and node 1, started again, back in the list. It stops at the first step that fails, says which, and exits with 1; it
# stops every node it started on the way out.
#
# Needs the modules installed first:  mvn -B install -DskipTests
# Uses the README's ports, which must be free: 7440-7449, 7540-7549, 7640-7649 (the nodes'
# listeners and metrics), 7450-7452 (the cluster), 8101-8103 (ssh), 1099-1101 and 44444-44446 (JMX).
# Usage:
#   bench/run-cluster-walk.sh                        # scratch folder removed at the end
#   KEEP=1 bench/run-cluster-walk.sh                 # keeps it, with the nodes' logs, and says where
#   BENCH_MAVEN_ARGS=-o bench/run-cluster-walk.sh    # extra Maven arguments (here: offline)
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
assembly=$project/distribution/target/assembly
[ -x "$assembly/bin/start" ] || { echo "No distribution in $assembly: run mvn -B install -DskipTests first" >&2; exit 1; }

work=$(mktemp -d)
operator_password=walk-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
alice_password=alice-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
client_pid=
stop_all() {
    [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null || true
    for n in 1 2 3; do
        if [ -f "$work/aldis-node$n/karaf.pid" ]; then
            kill -9 "$(cat "$work/aldis-node$n/karaf.pid")" 2>/dev/null || true
        fi
    done
    if [ -n "${KEEP:-}" ]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap stop_all EXIT

step() { echo; echo "== $(date +%T) $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# Runs one console command on node $1 through that node's own bin/client (it reads its ssh port
# from its own etc/org.apache.karaf.shell.cfg), retrying while the node starts.
console() {
    local n=$1; shift
    echo "$*" | "$work/aldis-node$n/bin/client" -u operator -p "$operator_password" -r 60 -d 2 -b 2>/dev/null \
        | sed '/^retrying (attempt/d; /JAVA_HOME not set/d'
}
set_key() { # file key value: replaces the key's line, or adds it when the file has none
    if grep -qE "^\s*$2\s*=" "$1"; then sed -i -E "s/^\s*$2\s*=.*/$2 = $3/" "$1"; else echo "$2 = $3" >>"$1"; fi
}
# Waits until a command's output matches a pattern, at most $1 seconds; prints the last output
# when it never did.
wait_for() {
    local seconds=$1 pattern=$2; shift 2
    local deadline=$((SECONDS + seconds)) out
    while :; do
        out=$("$@" 2>&1 || true)
        if echo "$out" | grep -qE "$pattern"; then last=$out; return 0; fi
        [ $SECONDS -lt $deadline ] || { echo "$out" >&2; return 1; }
        sleep 2
    done
}
# Waits until node $1's aldis:cluster-list shows $2 members, at most 90 seconds.
wait_for_members() {
    local n=$1 expected=$2 deadline=$((SECONDS + 90)) out count
    while :; do
        out=$(console "$n" 'aldis:cluster-list --no-format' || true)
        count=$(echo "$out" | grep -c '^node[123]' || true)
        [ "$count" = "$expected" ] && return 0
        [ $SECONDS -lt $deadline ] || fail "node $n lists $count members, not $expected: $out"
        sleep 2
    done
}

step "Compiling the Java client of the walk (bench)"
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench compile

step "1. Three copies of the distribution in $work"
for n in 1 2 3; do cp -r "$assembly" "$work/aldis-node$n"; done

step "2. Ports, node names and a console user"
for n in 1 2 3; do
    etc=$work/aldis-node$n/etc
    offset=$(((n - 1) * 100))
    set_key "$etc/io.aldis.transport.tcp-default.cfg" port $((7440 + offset))
    set_key "$etc/io.aldis.transport.ws-default.cfg" port $((7441 + offset))
    set_key "$etc/io.aldis.metrics.cfg" port $((7449 + offset))
    set_key "$etc/org.apache.karaf.shell.cfg" sshPort $((8100 + n))
    set_key "$etc/org.apache.karaf.management.cfg" rmiRegistryPort $((1098 + n))
    set_key "$etc/org.apache.karaf.management.cfg" rmiServerPort $((44443 + n))
    set_key "$etc/io.aldis.node.cfg" name "node$n"
    echo "operator = $operator_password,_g_:admingroup" >>"$etc/users.properties"
done

step "3. etc/io.aldis.cluster.cfg"
secret=walk-secret-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
for n in 1 2 3; do
    others=()
    for m in 1 2 3; do [ "$m" = "$n" ] || others+=("127.0.0.1:$((7449 + m))"); done
    cat >"$work/aldis-node$n/etc/io.aldis.cluster.cfg" <<EOF
name = demo
secret = $secret
nodeName = node$n
host = 127.0.0.1
port = $((7449 + n))
members = ${others[0]}, ${others[1]}
EOF
done

step "4. Start the nodes and install aldis-cluster"
for n in 1 2 3; do "$work/aldis-node$n/bin/start"; done
for n in 1 2 3; do
    console $n 'feature:install aldis-cluster' || fail "feature:install aldis-cluster on node $n"
done

step "5. aldis:cluster-list shows three members"
for n in 1 2 3; do wait_for_members $n 3; done
console 1 'aldis:cluster-list'

step "Messaging user alice on every node"
for n in 1 2 3; do
    console $n "aldis:user-add -r user -p $alice_password alice" >/dev/null || fail "aldis:user-add on node $n"
done

step "The Java client, given node 1's address only"
mvn -B -q ${BENCH_MAVEN_ARGS:-} -pl bench -Pbench org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
    -Dbench.class=io.aldis.bench.FailoverClient \
    -Dbench.args="127.0.0.1:7440 alice $alice_password 120" >"$work/client.out" 2>&1 &
client_pid=$!
wait_for 120 '^CONNECTED node node1 knows .*7540.*7640|^CONNECTED node node1 knows .*7640.*7540' cat "$work/client.out" \
    || fail "the client did not connect to node1 and learn the other two nodes' addresses"

step "A message published on node 3 reaches the client on node 1"
wait_for 30 '^DELIVERED demo.hi from node 3' \
    sh -c "echo \"aldis:publish demo.hi 'from node 3'\" | '$work/aldis-node3/bin/client' -u operator -p '$operator_password' -b >/dev/null 2>&1; cat '$work/client.out'" \
    || fail "no delivery of demo.hi on node 1's client"

step "RPC: aldis-examples on node 2 alone, aldis:rpc-call on node 1"
console 2 'feature:install aldis-examples' || fail "feature:install aldis-examples on node 2"
order='{"sku": "TEA-0001", "quantity": 3, "customer": "ann"}'
wait_for 60 '"orderNumber"' console 1 "aldis:rpc-call examples.orders.place '$order'" \
    || fail "aldis:rpc-call examples.orders.place on node 1 was not served"
echo "$last"

step "kill -9 node 1"
kill -9 "$(cat "$work/aldis-node1/karaf.pid")"
rm -f "$work/aldis-node1/karaf.pid"
wait_for 60 '^RESUMED on node[23]' cat "$work/client.out" || fail "the client did not resume on node 2 or 3"
for n in 2 3; do wait_for_members $n 2; done
console 2 'aldis:cluster-list'

step "A message published on node 3 after the kill reaches the resumed client"
wait_for 60 '^OK' \
    sh -c "echo \"aldis:publish demo.after 'after the kill'\" | '$work/aldis-node3/bin/client' -u operator -p '$operator_password' -b >/dev/null 2>&1; cat '$work/client.out'" \
    || fail "the resumed client got no message published after the kill"
wait "$client_pid" || fail "the Java client exited with an error"
client_pid=
grep -E '^(CONNECTED|DELIVERED|RECONNECT|RESUMED|OK)' "$work/client.out"

step "Node 1 started again rejoins"
"$work/aldis-node1/bin/start"
for n in 1 2 3; do wait_for_members $n 3; done
console 1 'aldis:cluster-list'

echo
echo "Walk-through passed."

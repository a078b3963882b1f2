#!/usr/bin/env bash
# Stored orders per second on PostgreSQL, one node against two nodes on the same database, in one
# run and one Markdown block (stdout and bench/results/nodes-latest.md); issue 16.
#
#   bench/nodes.sh
#
# Creates a fresh database (runuser -u postgres -- createdb -O crater crater_bench_<pid>), dropped
# when the script ends however it ends. Node A starts on it with the demo data; the demo user gets
# BENCH_ACCOUNTS more funded accounts (crater admin account create), whose ids fall on all eight
# trading shards (a shard is the account id mod 8). Phase 1: wrk -t2 -c64 against node A alone,
# which runs all eight shards. Phase 2: node B starts on the same database, the nodes split the
# shards 4/4 (polled from crater_engine_shards_running); two wrk -t1 -c32 run at once, one per
# node, each cycling through every account (bench/nodes.lua): a request for an account whose
# shard the other node runs is forwarded to it (orders/OwnerForwarding), and the block says which
# share was. Only answers carrying a stored order "Id" count.
#
# Environment: BENCH_SECONDS (10), BENCH_ROUNDS (2), BENCH_WARMUP_SECONDS (15), BENCH_ACCOUNTS (16),
# BENCH_PG_HOST (127.0.0.1:5432), BENCH_PG_USER / BENCH_PG_PASSWORD (crater / crater), BENCH_SKIP_BUILD=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-2}"
warmup="${BENCH_WARMUP_SECONDS:-15}"
naccounts="${BENCH_ACCOUNTS:-16}"
for v in "$seconds" "$rounds" "$warmup" "$naccounts"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && [ "$v" -le 1000 ] || { echo "bench: settings are whole numbers 1..1000" >&2; exit 2; }
done
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
bench_setup
db="crater_bench_$$"
runuser -u postgres -- createdb -O "${BENCH_PG_USER:-crater}" "$db"
trap 'bench_cleanup; runuser -u postgres -- dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
export CRATER_DB_URL="jdbc:postgresql://${BENCH_PG_HOST:-127.0.0.1:5432}/$db"
export CRATER_DB_USER="${BENCH_PG_USER:-crater}" CRATER_DB_PASSWORD="${BENCH_PG_PASSWORD:-crater}"
export CRATER_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"   # the same on both nodes
export CRATER_TOKEN_RATE_BURST=1000000 CRATER_TOKEN_RATE_PER_SECOND=1000000
export CRATER_METRICS_TOKEN="bench-nodes-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# Starts node $1 (extra serve options after it); sets node_base. Ready when /health/ready is 200.
start_node() {
  local name="$1"; shift
  log "starting node $name ..."
  "$java" "${opts[@]}" -jar "$tmp/crater.jar" serve --host 127.0.0.1 --port 0 --data-dir "$tmp/$name" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  bench_pids+=("$!")
  local port=""
  for _ in $(seq 1 600); do
    port="$(sed -n 's/^Crater is listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$tmp/$name.out" | head -1)"
    [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { log "node $name did not start"; cat "$tmp/$name.out" "$tmp/$name.err" >&2; exit 1; }
  node_base="http://127.0.0.1:$port"
}
metric() { curl -s -H "Authorization: Bearer $CRATER_METRICS_TOKEN" "$1/metrics"; }
shards_running() { metric "$1" | sed -n 's/^crater_engine_shards_running \([0-9]*\).*/\1/p'; }
shards_of() { metric "$1" | sed -n 's/^crater_engine_inbox_depth{shard="\([0-9]*\)".*/\1/p' | sort -n | tr '\n' ' '; }

start_node a
a_base="$node_base"
key="$(sed -n 's/^Demo company .*Et-App-Key: \([^ ]*\).*/\1/p' "$tmp/a.out" | head -1)"
[ -n "$key" ] || { log "no demo company on node a"; exit 1; }
log "opening $naccounts accounts ..."
for _ in $(seq 1 "$naccounts"); do
  "$java" -jar "$tmp/crater.jar" admin --data-dir "$tmp/admin" account create --company "Crater Demo" \
    --username demo --cash 100000 >/dev/null 2>"$tmp/admin.err" || { cat "$tmp/admin.err" >&2; exit 1; }
done
token="$(curl -s -X POST -H "Et-App-Key: $key" -H "Username: demo" -H "Password: crater-demo-pass" \
  -H "Content-Length: 0" "$a_base/api/token" | sed -n 's/.*"Token":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || { log "could not log in"; exit 1; }
accounts="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$a_base/api/v1.0/users/@me/accounts" \
  | grep -o '{"Id":[0-9]*' | sed 's/{"Id"://' | tr '\n' ',' | sed 's/,$//')"
count="$(tr ',' '\n' <<<"$accounts" | grep -c .)"
[ "$count" -ge "$naccounts" ] || { log "only $count accounts listed"; exit 1; }
for a in ${accounts//,/ }; do   # the deposits are applied by the engine within a second or two
  for _ in $(seq 1 100); do
    curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$a_base/api/v1.0/accounts/$a/info" \
      | grep -q '"cash":100000' && break
    sleep 0.1
  done
done
export BENCH_APP_KEY="$key" BENCH_TOKEN="$token" BENCH_ACCOUNTS="$accounts"
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# wrk -t$2 -c$3 against $1 for $4 seconds; its ORDERS line.
load() { wrk -t"$2" -c"$3" -d"${4}s" --latency --timeout 10s -s "$here/nodes.lua" "$1" | grep '^ORDERS'; }

rows=()
log "one node: warm-up (${warmup}s) ..."
load "$a_base" 2 64 "$warmup" >/dev/null
one_ok=0; one_s=0
for r in $(seq 1 "$rounds"); do
  log "one node, round $r ..."
  line="$(load "$a_base" 2 64 "$seconds")"
  rows+=("| 1 node | $r | $(field ok_per_s "$line") | $(field ok "$line") | $(field p50_ms "$line") / $(field p99_ms "$line") ms | $(field other "$line") |")
  one_ok=$((one_ok + $(field ok "$line"))); one_s="$(awk -v a="$one_s" -v b="$(field duration_s "$line")" 'BEGIN { print a + b }')"
done
one_shards="$(shards_of "$a_base")"

start_node b --no-demo
b_base="$node_base"
for _ in $(seq 1 600); do   # leases are taken and given back in rounds of a few seconds
  [ "$(shards_running "$a_base")" = 4 ] && [ "$(shards_running "$b_base")" = 4 ] && break
  sleep 0.5
done
a_shards="$(shards_of "$a_base")"; b_shards="$(shards_of "$b_base")"
log "shards: node a runs $a_shards; node b runs $b_shards"
# Requests each node forwards: those for accounts whose shard (id mod 8) the node does not run.
forwarded=0
for a in ${accounts//,/ }; do
  s=$((a % 8))
  grep -qw "$s" <<<"$a_shards" || forwarded=$((forwarded + 1))   # sent to a, run by b
  grep -qw "$s" <<<"$b_shards" || forwarded=$((forwarded + 1))   # sent to b, run by a
done
share="$(awk -v f="$forwarded" -v n="$count" 'BEGIN { printf "%.0f", 100 * f / (2 * n) }')"

log "two nodes: warm-up (${warmup}s) ..."
load "$a_base" 1 32 "$warmup" >/dev/null & w1=$!
load "$b_base" 1 32 "$warmup" >/dev/null & w2=$!
wait "$w1" "$w2"
two_ok=0; two_s=0
for r in $(seq 1 "$rounds"); do
  log "two nodes, round $r ..."
  load "$a_base" 1 32 "$seconds" >"$tmp/wa" & w1=$!
  load "$b_base" 1 32 "$seconds" >"$tmp/wb" & w2=$!
  wait "$w1" "$w2"
  la="$(cat "$tmp/wa")"; lb="$(cat "$tmp/wb")"
  ok=$(( $(field ok "$la") + $(field ok "$lb") ))
  dur="$(awk -v a="$(field duration_s "$la")" -v b="$(field duration_s "$lb")" 'BEGIN { print (a > b ? a : b) }')"
  rows+=("| 2 nodes | $r | $(awk -v n="$ok" -v s="$dur" 'BEGIN { printf "%.0f", n / s }') | $ok | a $(field p50_ms "$la") / $(field p99_ms "$la") ms, b $(field p50_ms "$lb") / $(field p99_ms "$lb") ms | $(( $(field other "$la") + $(field other "$lb") )) |")
  two_ok=$((two_ok + ok)); two_s="$(awk -v a="$two_s" -v b="$dur" 'BEGIN { print a + b }')"
done

mkdir -p "$here/results"
{
  echo "### Nodes on PostgreSQL — $(date -u +%Y-%m-%d), $(nproc) cores, $("$java" -version 2>&1 | head -1), $(runuser -u postgres -- psql -Atc 'show server_version' 2>/dev/null | sed 's/^/PostgreSQL /'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "Resting GTC limit orders over HTTP, stored (\`bench/nodes.lua\`: each request to the next of $count accounts of the demo user, spread over the 8 trading shards), after ${warmup} s of warm-up per phase; nodes, wrk and PostgreSQL on the same cores, server JVM options \`${opts[*]}\`. 1 node: \`wrk -t2 -c64\`, the node runs shards $one_shards. 2 nodes: \`wrk -t1 -c32\` at each node at once; node a runs shards $a_shards, node b $b_shards, so ${share} % of the requests are forwarded to the other node."
  echo
  echo "| Nodes | Round | stored orders/s | stored | p50 / p99 | other answers |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "All rounds: 1 node $(awk -v n="$one_ok" -v s="$one_s" 'BEGIN { printf "%.0f", n / s }') stored orders/s, 2 nodes $(awk -v n="$two_ok" -v s="$two_s" 'BEGIN { printf "%.0f", n / s }')."
} | tee "$here/results/nodes-latest.md"

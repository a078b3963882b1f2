#!/usr/bin/env bash
# Heavy-query benchmark (issue 12 item 2): do logins, info reads and orders keep their latency
# while expensive reads run? One command, one Markdown block (stdout and bench/results/heavy-latest.md).
#
#   bench/heavy.sh
#
# Starts Crater on a free port with a fresh SQLite store and the demo data (bench/lib.sh), then runs
# dev.crater.bench.HeavyLoad against it: in each phase one client each logs in, reads
# users/@me/info and places a resting limit order, back to back, and their latencies are recorded;
# phases: baseline (nothing else), then N clients sending the issue's options request (60
# 'Description contains' terms over the whole universe) back to back, then N clients sending the
# most expensive options request the cost bound admits (the same terms in the widest admitted
# UnderlyingAssetSymbol scope), then the baseline again. The server's peak RSS is read per phase.
#
# Environment: BENCH_SECONDS (per phase, default 20), BENCH_HEAVY_CLIENTS (N, default 4),
# BENCH_SKIP_BUILD=1 to use target/ as is, BENCH_JAR=path to benchmark another build's jar (the
# load generator still comes from this tree's test classes). wrk is not needed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-20}"
clients="${BENCH_HEAVY_CLIENTS:-4}"
for v in "$seconds" "$clients"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && [ "$v" -le 600 ] || { echo "bench: settings are whole numbers 1..600" >&2; exit 2; }
done
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
needs_wrk=0
bench_setup
[ -n "${BENCH_JAR:-}" ] && cp "$BENCH_JAR" "$tmp/crater.jar"
# Logins are the measurement here, not the per-address limiter (as bench/run.sh).
export CRATER_TOKEN_RATE_BURST=1000000 CRATER_TOKEN_RATE_PER_SECOND=1000000
bench_start_crater
account="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/users/@me/accounts" \
  | sed -n 's/^\[{"Id":\([0-9]*\).*/\1/p')"
[ -n "$account" ] || { log "no demo account"; exit 1; }
for _ in $(seq 1 100); do   # the demo deposit is applied by the engine within a second or two
  curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/accounts/$account/info" \
    | grep -q '"cash":100000' && break
  sleep 0.1
done
log "phases of ${seconds}s, ${clients} heavy clients ..."
lines="$("$java" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.HeavyLoad "$base" "$key" "$account" "$pid" \
  "$seconds" "$clients" | grep '^HEAVY')"
mkdir -p "$here/results"
{
  echo "### Heavy queries — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)${BENCH_JAR:+, jar $BENCH_JAR}"
  echo
  echo "\`BENCH_SECONDS=$seconds BENCH_HEAVY_CLIENTS=$clients bench/heavy.sh\`; server JVM options \`${opts[*]}\`; load generator on the same cores."
  echo
  echo '```'
  echo "$lines"
  echo '```'
} | tee "$here/results/heavy-latest.md"

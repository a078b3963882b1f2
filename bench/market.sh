#!/usr/bin/env bash
# Market-data benchmarks (issue #5): one command, one Markdown block (stdout and
# bench/results/market-latest.md).
#
#   bench/market.sh
#
#   1. quotes generated per second for 500 symbols, in process, one thread
#      (dev.crater.bench.QuoteRate: full quotes as the ticker computes them, and bare path levels);
#   2. equities list and filter requests per second over HTTP with wrk (-t2 -c64), against a
#      server this script starts on a free port with a fresh SQLite store and demo data:
#        GET /api/v1.0/equities?pageNumber=0&pageSize=10&sortField=Id&desc=true&filter=Symbol in ('AMZN', 'GOOG', 'FB', 'NFLX')
#        GET /api/v1.0/equities?pageNumber=3&pageSize=25&sortField=Symbol&desc=false&filter=Exchange = 'XNAS' and AllowTrade = true
#        GET /api/v1.0/equities/lookup?mask=APP&count=10
#
# Environment: BENCH_SECONDS (per wrk run / quote round, default 10), BENCH_ROUNDS (default 3),
# BENCH_SKIP_BUILD=1 to use target/ as is. Run it on a quiet machine: wrk shares the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] \
  && [[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] \
  || { echo "bench: need BENCH_SECONDS 1..600 and BENCH_ROUNDS 1..20" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
bench_setup

log "quotes per second (500 symbols, ${rounds} rounds of ${seconds}s) ..."
quote_lines="$("$java" "${opts[@]}" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.QuoteRate "$seconds" "$rounds" 2>/dev/null | grep '^QUOTES')"

bench_start_crater

urls=(
  "/api/v1.0/equities?pageNumber=0&pageSize=10&sortField=Id&desc=true&filter=Symbol%20in%20('AMZN'%2C%20'GOOG'%2C%20'FB'%2C%20'NFLX')"
  "/api/v1.0/equities?pageNumber=3&pageSize=25&sortField=Symbol&desc=false&filter=Exchange%20%3D%20'XNAS'%20and%20AllowTrade%20%3D%20true"
  "/api/v1.0/equities/lookup?mask=APP&count=10"
)
rows=()
for u in "${urls[@]}"; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base$u")"
  [ "$status" = 200 ] || { log "$u answered $status"; exit 1; }
  wrk -t2 -c64 -d3s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base$u" >/dev/null   # warm-up
  for r in $(seq 1 "$rounds"); do
    out="$(wrk -t2 -c64 -d"${seconds}s" --latency -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base$u")"
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    rows+=("| \`${u%%\?*}?…\` (${r}) | $rps | $p50 / $p99 | ${non2xx:-0} |")
  done
done

{
  echo "### Market data — $(date -u +%Y-%m-%d), $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "Quotes generated per second, 500 symbols, one thread (\`bench/market.sh\` → \`dev.crater.bench.QuoteRate $seconds $rounds\`):"
  echo
  echo '```'
  echo "$quote_lines"
  echo '```'
  echo
  echo "Equities over HTTP (\`wrk -t2 -c64 -d${seconds}s --latency\`, wrk on the same two cores as the server):"
  echo
  echo "| Request (round) | req/s | p50 / p99 | non-2xx |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "URLs: ${urls[*]}"
} | tee "$here/results/market-latest.md"

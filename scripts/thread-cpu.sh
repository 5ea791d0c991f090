#!/usr/bin/env bash
# scripts/thread-cpu.sh [BINARY [CONFIG] | bare]: where a streamed token's
# CPU goes. Starts `BINARY serve --config CONFIG` (bin/fabnode,
# .bench/bench.hcl: make bench's config, whose api.listen must be
# 127.0.0.1:18080), sends one warm-up request, then one single-stream
# request of TOKENS (1024) tokens, and prints for each of the node's threads
# that ran the CPU time it took (schedstat, in ms) and its voluntary and
# involuntary context switches, then the client's CPU time. With `bare`, it
# runs the bare llama.cpp loop on the bench model instead (make bench's
# settings, 8 requests of 1024 tokens) and prints the same for a window of
# WINDOW (3) seconds from 4 s in, after the model has loaded, then the
# loop's own summary line. The two
# threads near the window's whole wall time are llama.cpp's compute
# threads; the rest is Go's runtime and the request path around them.
# Environment: SERVE_ENV (e.g. GOMAXPROCS=2), TOKENS, FORMAT (a
# response_format type, markdown by default), WINDOW.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot() { # tid cpu_ns voluntary involuntary, one line per thread of $pid
  for t in /proc/$pid/task/*; do
    read -r ns _ < "$t/schedstat"
    echo "${t##*/} $ns $(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' "$t/status")"
  done | sort
}
report() { # before after
  join <(echo "$1") <(echo "$2") | awk '
    { ms = ($5 - $2) / 1e6; if (ms < 0.5) next
      printf "thread %s: %.1f ms, %d voluntary, %d involuntary switches\n", $1, ms, $6 - $3, $7 - $4 }'
}

if [ "${1:-}" = bare ]; then
  bin/fabnode bench --bare models/fabnode-bench.gguf --requests 8 --tokens 1024 --ctx-size 2048 --threads "$(nproc)" &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
  sleep 4
  before=$(snapshot)
  sleep "${WINDOW:-3}"
  report "$before" "$(snapshot)"
  wait $pid # its summary line: the decode rate, to turn the window into tokens
  exit
fi

bin=${1:-bin/fabnode} config=${2:-.bench/bench.hcl}
url=http://127.0.0.1:18080
env ${SERVE_ENV:-} "$bin" serve --config "$config" > "$config.thread-cpu.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "$url/health" > /dev/null 2>&1 && break; sleep 0.2; done
# The node is started for this run, so two fixed prompt numbers are new to it.
bin/fabnode bench --url "$url" --model bench --requests 1 --tokens 16 --first-request 1 > /dev/null
before=$(snapshot)
/usr/bin/time -f "client: %U s user, %S s system" bin/fabnode bench --url "$url" --model bench --requests 1 \
  --tokens "${TOKENS:-1024}" --response-format "${FORMAT:-markdown}" --first-request 2 | tail -1
report "$before" "$(snapshot)"

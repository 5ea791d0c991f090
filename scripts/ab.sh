#!/usr/bin/env bash
# scripts/ab.sh ROUNDS [BINARY=]CONFIG... : interleaved A/B runs of a
# running node. For each round and each argument, starts `BINARY serve
# --config CONFIG` (BINARY: $SERVE_BIN, else bin/fabnode; name one to
# compare two builds, say before and after a change, each with a config it
# knows) on the config's api.listen (must be 127.0.0.1:18080), runs
# `bin/fabnode bench` against it, prints one line per run and stops the node.
# The argument `bare` runs the bare llama.cpp loop on the bench model
# instead (make bench's settings), for a ratio to the API in the same run.
# Used for the quick comparisons in BENCHMARKS.md; `make bench` is the full
# run. Environment: SERVE_BIN (bin/fabnode), STREAMS (1), REQUESTS (6), TOKENS (128), FORMAT (a
# response_format type, none by default), SERVE_ENV (e.g. GOMAXPROCS=2),
# BURST (a number of streams: before the timed run, an untimed one with
# that many streams of 2 requests, leaving the KV cache as a busy node's is),
# MIRROR=1 (every second round runs the arguments in reverse order).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1; shift
url=http://127.0.0.1:18080
echo "# round config label streams requests tokens aggregate_tok_s stream_decode_tok_s ttft_p50_ms ttft_p90_ms errors"
for r in $(seq 1 "$rounds"); do
  args=("$@")
  if [ "${MIRROR:-0}" = 1 ] && [ $((r % 2)) = 0 ]; then
    args=(); for ((i = $# ; i >= 1; i--)); do args+=("${!i}"); done
  fi
  for arg in "${args[@]}"; do
    if [ "$arg" = bare ]; then
      bin/fabnode bench --bare models/fabnode-bench.gguf --requests "${REQUESTS:-6}" --tokens "${TOKENS:-128}" \
        --ctx-size 2048 --threads "$(nproc)" | sed "s|^|$r\tbare\t|"
      continue
    fi
    bin=${SERVE_BIN:-bin/fabnode} c=$arg label=$(basename "$arg" .hcl)
    if [[ $arg == *=* ]]; then bin=${arg%%=*} c=${arg#*=} label=$(basename "$bin"):$(basename "$c" .hcl); fi
    env ${SERVE_ENV:-} "$bin" serve --config "$c" > "$c.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf "$url/health" > /dev/null 2>&1 && break; sleep 0.2; done
    if [ -n "${BURST:-}" ]; then
      bin/fabnode bench --url "$url" --model bench --streams "$BURST" --requests 2 --tokens "${TOKENS:-128}" > /dev/null
    fi
    bin/fabnode bench --url "$url" --model bench --streams "${STREAMS:-1}" --requests "${REQUESTS:-6}" \
      --tokens "${TOKENS:-128}" ${FORMAT:+--response-format "$FORMAT"} | sed "s|^|$r\t$label\t|"
    kill "$pid"; wait "$pid" 2> /dev/null || true
  done
done

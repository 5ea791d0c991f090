#!/usr/bin/env bash
# scripts/ab-bin.sh ROUNDS BIN_A CONFIG_A BIN_B CONFIG_B : interleaved runs
# of two fabnode binaries (say, before and after a change), each with its
# own configuration (an older binary may not know newer keys). Each round
# starts BIN_A serve --config CONFIG_A, runs `bin/fabnode bench` against it
# and stops it, then the same for B. Both configurations must listen on
# 127.0.0.1:18080 and declare the model "bench". Environment: STREAMS (1),
# REQUESTS (6), TOKENS (128).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1 binA=$2 cfgA=$3 binB=$4 cfgB=$5
url=http://127.0.0.1:18080
echo "# round binary label streams requests tokens aggregate_tok_s stream_decode_tok_s ttft_p50_ms ttft_p90_ms errors"
for r in $(seq 1 "$rounds"); do
  for side in A B; do
    if [ $side = A ]; then bin=$binA cfg=$cfgA; else bin=$binB cfg=$cfgB; fi
    "$bin" serve --config "$cfg" > "$cfg.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf "$url/health" > /dev/null 2>&1 && break; sleep 0.2; done
    bin/fabnode bench --url "$url" --model bench --streams "${STREAMS:-1}" --requests "${REQUESTS:-6}" \
      --tokens "${TOKENS:-128}" | sed "s|^|$r\t$side\t|"
    kill "$pid"; wait "$pid" 2> /dev/null || true
  done
done

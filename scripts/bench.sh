#!/usr/bin/env bash
# make bench: measures the bare engine loop, fabnode's API with 1 and 8
# streams, and Ollama v0.7.1 (same llama.cpp, built with the same CGO
# flags) on the same generated ~110 MB model with the same slots, context
# and threads; prints every figure and the ratios BENCHMARKS.md records.
#
# Environment: BENCH_TOKENS (128), BENCH_REQUESTS (per stream, 4),
# BENCH_STREAMS ("1,8"), SKIP_OLLAMA=1 to measure fabnode alone.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=bin/fabnode
MODEL=models/fabnode-bench.gguf
WORK=.bench
TOKENS=${BENCH_TOKENS:-128}
REQUESTS=${BENCH_REQUESTS:-4}
STREAMS=${BENCH_STREAMS:-1,8}
SLOTS=8
CTX=2048
THREADS=$(nproc)
FAB_PORT=18080
OLLAMA_PORT=18434
mkdir -p "$WORK"
[ -f "$MODEL" ] || "$BIN" model gen --preset bench --out "$MODEL"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_http() { # url
  for _ in $(seq 1 600); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $1" >&2; return 1
}

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
run() { "$BIN" bench "$@" | tee -a "$RESULTS"; }

echo "# label streams requests tokens aggregate_tok_s stream_decode_tok_s ttft_p50_ms ttft_p90_ms errors"
run --bare "$MODEL" --label bare --requests "$((REQUESTS * 2))" --tokens "$TOKENS" --ctx-size "$CTX" --threads "$THREADS"
run --bare "$MODEL" --engine --label engine --requests "$((REQUESTS * 2))" --tokens "$TOKENS" --ctx-size "$CTX" --threads "$THREADS"
if [ "${SKIP_PORTABLE:-0}" != 1 ]; then
  # The same bare loop built without -march=native, to price the flag.
  CGO_CFLAGS=-O2 CGO_CXXFLAGS=-O2 go build -o "$WORK/fabnode-portable" ./host/cmd/fabnode
  "$WORK/fabnode-portable" bench --bare "$MODEL" --label bare-portable --requests "$((REQUESTS * 2))" --tokens "$TOKENS" --ctx-size "$CTX" --threads "$THREADS" | tee -a "$RESULTS"
fi

cat > "$WORK/bench.hcl" <<HCL
api { listen = "127.0.0.1:$FAB_PORT" }
log { level = "warn" }
engine {
  parallel     = $SLOTS
  context_size = $CTX
  threads      = $THREADS
}
model "bench" { path = "$PWD/$MODEL" }
HCL
serve_and_run() { # label config
  "$BIN" serve --config "$2" > "$WORK/$1.log" 2>&1 &
  local pid=$!
  wait_http "http://127.0.0.1:$FAB_PORT/health"
  run --url "http://127.0.0.1:$FAB_PORT" --model bench --label "$1" --streams "$STREAMS" --requests "$REQUESTS" --tokens "$TOKENS"
  if [ "$1" = fabnode+plugins ]; then
    # Hot swap: change the pricing plugin's config; the node re-reads it,
    # loads the new version (hash, ABI, init, self-test) and swaps it in.
    for price in 0.11 0.12 0.13; do
      sed -i "s/input_per_mtok  = \"[0-9.]*\"/input_per_mtok  = \"$price\"/" "$2"
      "$BIN" plugin reload pricing --url "http://127.0.0.1:$FAB_PORT" | sed 's/^/# hot swap: /'
      echo
    done
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
serve_and_run fabnode "$WORK/bench.hcl"

# The same with the five built-in policy plugins on the request path.
make -s plugins
{ cat "$WORK/bench.hcl"
  sed -n '/^plugin "/,$p' config.hcl | sed "s|\(path *= *\)\"build/|\1\"$PWD/build/|"
  printf 'node {\n  data_dir = "%s"\n}\n' "$PWD/$WORK/data"
} > "$WORK/bench-plugins.hcl"
serve_and_run fabnode+plugins "$WORK/bench-plugins.hcl"

if [ "${SKIP_OLLAMA:-0}" != 1 ]; then
  OLLAMA=$WORK/ollama
  if [ ! -x "$OLLAMA" ]; then
    echo "building Ollama v0.7.1 with CGO_CFLAGS='$CGO_CFLAGS' ..." >&2
    mkdir -p "$WORK/ollama-src"
    ( cd "$WORK/ollama-src"
      [ -f go.mod ] || { go mod init ollamabuild >/dev/null 2>&1; printf '//go:build tools\npackage tools\nimport _ "github.com/ollama/ollama"\n' > tools.go; }
      go get github.com/ollama/ollama@v0.7.1 >/dev/null 2>&1
      go build -o ../ollama github.com/ollama/ollama )
  fi
  export OLLAMA_HOST=127.0.0.1:$OLLAMA_PORT OLLAMA_MODELS=$PWD/$WORK/ollama-models
  export OLLAMA_NUM_PARALLEL=$SLOTS OLLAMA_CONTEXT_LENGTH=$CTX OLLAMA_KEEP_ALIVE=30m OLLAMA_MAX_QUEUE=512
  "$OLLAMA" serve > "$WORK/ollama.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$OLLAMA_PORT/api/version"
  printf 'FROM %s\nPARAMETER num_thread %s\nPARAMETER num_ctx %s\n' "$PWD/$MODEL" "$THREADS" "$CTX" > "$WORK/Modelfile"
  "$OLLAMA" create fabbench -f "$WORK/Modelfile" > /dev/null 2>&1
  # Load it before timing, as fabnode's serve does.
  curl -sf "http://127.0.0.1:$OLLAMA_PORT/api/generate" -d '{"model":"fabbench","prompt":"hi","options":{"num_predict":1}}' > /dev/null
  run --url "http://127.0.0.1:$OLLAMA_PORT" --model fabbench --label ollama --streams "$STREAMS" --requests "$REQUESTS" --tokens "$TOKENS"
fi

echo
echo "# ratios (same run, same machine)"
awk -F'\t' '
  { agg[$1 "/" $2] = $5; dec[$1 "/" $2] = $6; ttft[$1 "/" $2] = $7 }
  END {
    if (("bare/1" in dec) && ("engine/1" in dec))
      printf "engine in-process 1 stream / bare loop, decode tok/s: %.3f\n", dec["engine/1"] / dec["bare/1"]
    if (("bare/1" in dec) && ("fabnode/1" in dec))
      printf "fabnode API 1 stream / bare loop, decode tok/s: %.3f\n", dec["fabnode/1"] / dec["bare/1"]
    if (("bare/1" in dec) && ("bare-portable/1" in dec))
      printf "bare loop -march=native / portable build, decode tok/s: %.3f\n", dec["bare/1"] / dec["bare-portable/1"]
    for (n = 1; n <= 64; n *= 2)
      if (("fabnode/" n) in agg && ("fabnode+plugins/" n) in agg)
        printf "all five plugins / no plugins, %d stream(s): aggregate tok/s %.3f, per-stream decode %.3f\n", n,
          agg["fabnode+plugins/" n] / agg["fabnode/" n], dec["fabnode+plugins/" n] / dec["fabnode/" n]
    for (k in agg) {
      split(k, p, "/")
      if (p[1] == "fabnode" && ("ollama/" p[2] in agg)) {
        printf "fabnode / ollama, %s stream(s): aggregate tok/s %.3f, per-stream decode %.3f, ttft p50 %.3f (lower is better)\n",
          p[2], agg[k] / agg["ollama/" p[2]], dec[k] / dec["ollama/" p[2]], ttft[k] / ttft["ollama/" p[2]]
      }
    }
  }' "$RESULTS"

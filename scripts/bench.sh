#!/usr/bin/env bash
# make bench: measures the bare llama.cpp loop, the engine in-process,
# fabnode's API with 1 and 8 streams without and with the five built-in
# plugins, plugin hot-swap time, and Ollama v0.7.1 (same llama.cpp, built
# with the same CGO flags) on the same generated ~110 MB model with the
# same slots, context and threads.
#
# The machines this runs on are shared and noisy: their speed drifts over
# seconds and minutes. So the three servers run side by side for the
# whole bench (an idle one takes no CPU), and each round measures every
# configuration twice, in one order and then in the reverse order, so
# that a drift during the round weighs the same on both sides of every
# ratio. A round's figure for a configuration is the mean of its two
# measurements; each ratio is the median of its per-round ratios. Every
# run's prompts are new (--first-request), so no cache of any server
# answers one.
#
# Environment: BENCH_ROUNDS (5), BENCH_TOKENS (128), BENCH_REQUESTS (per
# stream in a multi-stream run, 2; a single-stream run, the bare loop's
# included, makes 4 times as many), BENCH_STREAMS ("1,8"), SKIP_OLLAMA=1,
# SKIP_PORTABLE=1, SKIP_P2P=1, BENCH_P2P_ITERATIONS (6).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=bin/fabnode
MODEL=models/fabnode-bench.gguf
WORK=.bench
ROUNDS=${BENCH_ROUNDS:-5}
TOKENS=${BENCH_TOKENS:-128}
REQUESTS=${BENCH_REQUESTS:-2}
SINGLE=$((REQUESTS * 4))
IFS=, read -r -a STREAMS <<< "${BENCH_STREAMS:-1,8}"
SLOTS=8
CTX=2048
THREADS=$(nproc)
FAB_PORT=18080
PLUGINS_PORT=18081
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

# Every server answers one short request before it is timed, so that no
# figure includes first-use costs (page faults in fresh plugin instances,
# Ollama loading its model).
warm_up() { # url model
  "$BIN" bench --url "$1" --model "$2" --streams 1 --requests 1 --tokens 16 --first-request $((1 << 30)) > /dev/null
}

cat > "$WORK/bench.hcl" <<HCL
node {
  data_dir = "$PWD/$WORK/data"
  dev_key  = true
}
api { listen = "127.0.0.1:$FAB_PORT" }
# config.hcl's pricing plugin quotes in ETH (its payment token); the bench
# runs without a chain, so that currency is accepted outright.
payments { currencies = ["USD", "ETH"] }
log { level = "warn" }
engine {
  parallel     = $SLOTS
  context_size = $CTX
  threads      = $THREADS
}
model "bench" { path = "$PWD/$MODEL" }
HCL
make -s plugins
{ sed -e "s|$WORK/data\"|$WORK/data-plugins\"|" -e "s|:$FAB_PORT\"|:$PLUGINS_PORT\"|" "$WORK/bench.hcl"
  # config.hcl's plugin blocks (each from `plugin "` to its closing brace)
  awk '/^plugin "/ { on = 1 } on { print } on && /^}/ { on = 0 }' config.hcl | sed "s|\(path *= *\)\"build/|\1\"$PWD/build/|"
} > "$WORK/bench-plugins.hcl"

serve() { # label config port
  "$BIN" serve --config "$2" > "$WORK/$1.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$3/health"
  warm_up "http://127.0.0.1:$3" bench
}
serve fabnode "$WORK/bench.hcl" "$FAB_PORT"
serve fabnode+plugins "$WORK/bench-plugins.hcl" "$PLUGINS_PORT"

if [ "${SKIP_PORTABLE:-0}" != 1 ]; then
  # The same bare loop built without -march=native (and the AMX
  # exclusions that go with it), to price the flag.
  portable=$(echo "${CGO_CFLAGS:-}" | sed -e 's/-march=native//' -e 's/-mno-amx-[a-z0-9]*//g')
  CGO_CFLAGS=$portable CGO_CXXFLAGS=$portable go build -o "$WORK/fabnode-portable" ./host/cmd/fabnode
fi

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
  export OLLAMA_NUM_PARALLEL=$SLOTS OLLAMA_CONTEXT_LENGTH=$CTX OLLAMA_KEEP_ALIVE=2h OLLAMA_MAX_QUEUE=512
  "$OLLAMA" serve > "$WORK/ollama.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$OLLAMA_PORT/api/version"
  printf 'FROM %s\nPARAMETER num_thread %s\nPARAMETER num_ctx %s\n' "$PWD/$MODEL" "$THREADS" "$CTX" > "$WORK/Modelfile"
  "$OLLAMA" create fabbench -f "$WORK/Modelfile" > /dev/null 2>&1
  warm_up "http://127.0.0.1:$OLLAMA_PORT" fabbench # loads the model, as fabnode's serve does first
fi

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
round=0 first=0
record() { sed "s/^/$round\t/" | tee -a "$RESULTS"; }
bare() { # label [extra flags]
  local label=$1; shift
  "${BIN_OVERRIDE:-$BIN}" bench --bare "$MODEL" --label "$label" --requests "$SINGLE" --tokens "$TOKENS" \
    --ctx-size "$CTX" --threads "$THREADS" "$@" | record
}
endpoint() { # label port model streams [extra flags]
  local label=$1 port=$2 model=$3 streams=$4; shift 4
  local requests=$REQUESTS
  [ "$streams" = 1 ] && requests=$SINGLE
  first=$((first + 10000))
  "$BIN" bench --url "http://127.0.0.1:$port" --model "$model" --label "$label" --streams "$streams" --requests "$requests" \
    --tokens "$TOKENS" --first-request "$first" "$@" | record
}
# Both fabnode configurations ask for markdown, so that with plugins the
# format plugin shapes every chunk (without, the request is the same and
# the text passes as it is).
measure() { # configuration [streams]
  case $1 in
    bare) bare bare ;;
    engine) bare engine --engine ;;
    fabnode) endpoint fabnode "$FAB_PORT" bench "$2" --response-format markdown ;;
    fabnode+plugins) endpoint fabnode+plugins "$PLUGINS_PORT" bench "$2" --response-format markdown ;;
    ollama) endpoint ollama "$OLLAMA_PORT" fabbench "$2" ;;
  esac
}

# One half-round's measurements, in order; the second half runs them
# backwards.
steps=(bare engine)
for c in fabnode fabnode+plugins ollama; do
  [ "$c" = ollama ] && [ "${SKIP_OLLAMA:-0}" = 1 ] && continue
  for n in "${STREAMS[@]}"; do steps+=("$c $n"); done
done

echo "# round label streams requests tokens aggregate_tok_s stream_decode_tok_s ttft_p50_ms ttft_p90_ms errors"
for round in $(seq 1 "$ROUNDS"); do
  for step in "${steps[@]}"; do measure $step; done
  # Once a round, between the halves: the portable build, and a hot swap
  # (the pricing plugin's config changes; the node re-reads it, loads the
  # new version (hash, ABI, init, self-test) and swaps it in).
  [ "${SKIP_PORTABLE:-0}" = 1 ] || BIN_OVERRIDE=$WORK/fabnode-portable bare bare-portable
  sed -i "s/input_per_mtok  = \"[0-9.]*\"/input_per_mtok  = \"0.1$round\"/" "$WORK/bench-plugins.hcl"
  "$BIN" plugin reload pricing --config "$WORK/bench-plugins.hcl" | sed "s/^/$round\thotswap\t/" | tee -a "$RESULTS"
  for ((i = ${#steps[@]} - 1; i >= 0; i--)); do measure ${steps[i]}; done
done

echo
echo "# ratios: median over $ROUNDS rounds of the ratio within each round, of the means of its two measurements (min..max in brackets)"
awk -F'\t' '
  $2 == "hotswap" { if (match($3, /"took_ms":[0-9]+/)) swaps[++ns] = substr($3, RSTART + 10, RLENGTH - 10) + 0; next }
  # The two measurements of a configuration in a round are summed: the
  # ratio of sums is the ratio of their means.
  { agg[$1 SUBSEP $2 SUBSEP $3] += $6; dec[$1 SUBSEP $2 SUBSEP $3] += $7; ttft[$1 SUBSEP $2 SUBSEP $3] += $8; if ($1 > R) R = $1 }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function ratio(what, m, a, sa, b, sb,   r, n, x, k, lo, hi) {
    n = 0
    for (r = 1; r <= R; r++) {
      if (!((r SUBSEP a SUBSEP sa) in m) || !((r SUBSEP b SUBSEP sb) in m) || m[r SUBSEP b SUBSEP sb] == 0) continue
      x[++n] = m[r SUBSEP a SUBSEP sa] / m[r SUBSEP b SUBSEP sb]
    }
    if (n == 0) return
    lo = x[1]; hi = x[1]
    for (k = 1; k <= n; k++) { if (x[k] < lo) lo = x[k]; if (x[k] > hi) hi = x[k] }
    printf "%-62s %.3f  [%.3f..%.3f]\n", what, median(x, n), lo, hi
  }
  END {
    ratio("engine in-process / bare loop, 1 stream decode", dec, "engine", 1, "bare", 1)
    ratio("API / bare loop, 1 stream decode", dec, "fabnode", 1, "bare", 1)
    ratio("-march=native / portable build, bare decode", dec, "bare", 1, "bare-portable", 1)
    ratio("all five plugins / none, 1 stream aggregate", agg, "fabnode+plugins", 1, "fabnode", 1)
    ratio("all five plugins / none, 1 stream decode", dec, "fabnode+plugins", 1, "fabnode", 1)
    ratio("all five plugins / none, 8 streams aggregate", agg, "fabnode+plugins", 8, "fabnode", 8)
    ratio("fabnode / ollama, 1 stream aggregate", agg, "fabnode", 1, "ollama", 1)
    ratio("fabnode / ollama, 1 stream decode", dec, "fabnode", 1, "ollama", 1)
    ratio("fabnode / ollama, 8 streams aggregate", agg, "fabnode", 8, "ollama", 8)
    ratio("fabnode / ollama, 8 streams TTFT p50 (lower is better)", ttft, "fabnode", 8, "ollama", 8)
    if (ns) printf "%-62s %s ms (median of %d)\n", "plugin hot swap (reload, validate, self-test, switch)", median(swaps, ns), ns
  }' "$RESULTS"

# libp2p against HTTP on the same node, and a client's cold start to its
# first token (host/p2p's benchmarks; BENCHMARKS.md "libp2p").
cleanup; pids=() # the servers stop: the libp2p benchmarks start nodes of their own
if [ "${SKIP_P2P:-0}" != 1 ]; then
  echo
  echo "# libp2p / HTTP on one node: go test ./host/p2p -bench 'Transports|ColdStart'"
  # The whole output goes to $WORK/p2p.log; the lines shown include a
  # failure's own message (--- FAIL and the file:line under it), which
  # the node's log lines would otherwise bury.
  ${GO:-go} test ./host/p2p -run '^$' -bench 'Transports|ColdStart' -benchtime "${BENCH_P2P_ITERATIONS:-6}x" 2>&1 | tee "$WORK/p2p.log" |
    grep -E '^(Benchmark|ok|FAIL|--- FAIL|panic)|^\s+[A-Za-z0-9_]+\.go:[0-9]+:'
fi

#!/bin/sh
# make devnet / make devnet-test: fabnode on a real geth --dev chain (chain
# id 1337) instead of make run's in-process development chain.
#
#   devnet.sh run    geth --dev on 127.0.0.1:$DEVNET_PORT (8545); the node's
#                    key (build/devnet/data) and the development client
#                    account funded from geth's dev account; the contracts
#                    deployed with `fabnode chain deploy --rpc`; the node
#                    registered (`fabnode chain register`) and serving
#                    config.hcl on that chain until Ctrl-C
#   devnet.sh test   geth --dev on 127.0.0.1:$DEVNET_TEST_PORT (18545) and
#                    the paid end-to-end tests (Go CLI, JS client) against it
#
# GETH and BIN name the binaries (the Makefile builds both). geth runs with
# a fresh data directory each time: a new chain, which the node's stores
# recognise by its genesis. It has no time travel, and bind.WaitMined polls
# once a second: the node and the tests poll receipts every few
# milliseconds instead.
set -eu
cd "$(dirname "$0")/.."
GETH=${GETH:-build/devnet/bin/geth}
BIN=${BIN:-bin/fabnode}
WORK=build/devnet
mkdir -p "$WORK"

rpc() { # METHOD PARAMS: the JSON-RPC response
  curl -sf -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$URL"
}

GETH_PID=
cleanup() {
  if [ -n "$GETH_PID" ]; then kill "$GETH_PID" 2>/dev/null || true; wait "$GETH_PID" 2>/dev/null || true; fi
  [ -n "${DATADIR:-}" ] && rm -rf "$DATADIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_geth() { # PORT
  DATADIR=$(mktemp -d "$WORK/geth.XXXXXX")
  "$GETH" --dev --dev.period 1 --http --http.addr 127.0.0.1 --http.port "$1" --http.api eth,net,web3 \
    --datadir "$DATADIR" --nodiscover --maxpeers 0 --port 0 --authrpc.port 0 --ipcdisable --verbosity 2 \
    > "$WORK/geth.log" 2>&1 &
  GETH_PID=$!   # geth itself: started directly, not in a subshell
  URL=http://127.0.0.1:$1
  i=0
  until rpc eth_chainId '[]' >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$GETH_PID" 2>/dev/null; then
      echo "geth --dev did not answer on $URL (port taken?); see $WORK/geth.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  DEV=$(rpc eth_accounts '[]' | grep -o '0x[0-9a-fA-F]\{40\}' | head -1)
  echo "geth --dev on $URL (chain id 1337), dev account $DEV"
}

fund() { # ADDRESS WEI (hex): from geth's dev account, waiting for the receipt
  tx=$(rpc eth_sendTransaction "[{\"from\":\"$DEV\",\"to\":\"$1\",\"value\":\"$2\"}]" | grep -o '0x[0-9a-fA-F]\{64\}')
  i=0
  until rpc eth_getTransactionReceipt "[\"$tx\"]" | grep -q '"status":"0x1"'; do
    i=$((i + 1))
    [ $i -gt 300 ] && { echo "funding $1 failed (tx $tx)" >&2; exit 1; }
    sleep 0.05
  done
}

DEV_CLIENT=0x96638becB3047F1BA6C5b41320E7A3EA16384E7D # fabnode-devchain's client account (public key)

case "${1:-}" in
test)
  start_geth "${DEVNET_TEST_PORT:-18545}"
  rc=0
  FABNODE_DEVNET_RPC=$URL go test -count=1 -timeout 10m -v -run 'TestPaidSession' ./host/cmd/fabnode \
    > "$WORK/devnet-test.log" 2>&1 || rc=$?
  grep -E '^(=== RUN|--- |PASS|FAIL|ok )|_test.go:[0-9]+: (devnet|session)|countersigned|settled' "$WORK/devnet-test.log" | grep -v '\[INFO\]' || true
  [ $rc = 0 ] || echo "devnet-test FAILED (exit $rc): the whole log is $WORK/devnet-test.log" >&2
  exit $rc
  ;;
run)
  start_geth "${DEVNET_PORT:-8545}"
  # config.hcl on this chain: its own data directory, no dev chain of its
  # own, the contracts deployed below (environment overrides, see README).
  export FABNODE_NODE_DATA_DIR="$PWD/$WORK/data" FABNODE_CHAIN_DEV=false FABNODE_CHAIN_RPC="$URL"
  # The devnet node's key is a real keystore key; its password here is
  # the devnet's, in the environment, never in a file.
  export FABNODE_KEY_PASSWORD="${FABNODE_KEY_PASSWORD:-devnet}"
  "$BIN" key address >/dev/null 2>&1 || "$BIN" key new --lightkdf
  NODE=$("$BIN" key address)
  fund "$NODE" 0x56bc75e2d63100000         # 100 ETH for the node's gas
  fund "$DEV_CLIENT" 0x3635c9adc5dea00000  # 1000 ETH for --dev-client-key and the JS example
  out=$("$BIN" chain deploy --rpc "$URL" --network local)
  echo "$out"
  field() { echo "$out" | sed -n "s/^ *$1 *= *\"*\([0-9a-fA-Fx]*\)\"*.*/\1/p"; }
  export FABNODE_CHAIN_ESCROW="$(field escrow)" FABNODE_CHAIN_NODE_REGISTRY="$(field node_registry)" \
    FABNODE_CHAIN_MODEL_REGISTRY="$(field model_registry)" FABNODE_CHAIN_START_BLOCK="$(field start_block)"
  # config.hcl's pricing: 1 and 3 nano-ETH per input and output token
  "$BIN" chain register --api-url http://127.0.0.1:8080 --input-price 1000000000 --output-price 3000000000
  cat <<EOF
devnet: node $NODE on $URL, escrow $FABNODE_CHAIN_ESCROW
  the development client account $DEV_CLIENT is funded (its key is PUBLIC); pay for a chat with
    $BIN client session open --rpc $URL --escrow $FABNODE_CHAIN_ESCROW --dev-client-key
    $BIN client session chat -m "Hello"
    $BIN client session close --rpc $URL --dev-client-key
  or: (cd examples/client-js && FABNODE_ESCROW=$FABNODE_CHAIN_ESCROW FABNODE_DEV_CLIENT_KEY=1 node paid-chat.mjs "Hello")
EOF
  "$BIN" serve --config config.hcl
  ;;
*)
  echo "usage: $0 run|test" >&2
  exit 2
  ;;
esac

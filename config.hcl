# fabnode configuration (HCL v2). Every key can be overridden by an
# environment variable FABNODE_<SECTION>_<KEY> (e.g. FABNODE_API_LISTEN)
# and by `fabnode serve` flags (--listen, --parallel, ...). Unknown keys
# and bad values are refused with file:line. Relative paths resolve
# against this file's directory.

node {
  name     = "fabnode-dev"
  data_dir = "./data"             # node key (keystore/), chain store and wasm compilation cache
  proof_checkpoint_tokens = 1000  # one signed proof checkpoint per this many output tokens
  plugin_watch = "2s"             # hot-swap plugins whose .wasm changes; 0 = only on SIGHUP / plugin reload
  # Development only: a node without a key creates one (empty password) and
  # warns that it runs on it. Production configs leave this off and run
  # `fabnode key new`, the password in key_password_file or FABNODE_KEY_PASSWORD.
  dev_key  = true
}

log {
  level       = "info"
  format      = "text"  # text | json
  log_prompts = false   # prompts are user data: off unless you need them
}

api {
  listen          = "127.0.0.1:8080"
  max_body_bytes  = "1MiB"
  body_timeout    = "30s"  # a body not received in time gets 408
  request_timeout = "10m"
  idle_timeout    = "2m"   # idle keep-alive connections are closed
  max_queue       = 64     # requests waiting for a slot before 503
  max_conns_per_client = 64  # open connections per remote address
  trust_user_field = false   # true: the `user` field names the client (behind a gateway)
  metrics_listen  = ""       # "" = /metrics on this listener; "127.0.0.1:9464" = there instead
}

# Operator endpoints (`fabnode plugin reload`), never on the public
# listener: a unix socket in data_dir (mode 0600) unless set to an
# address, which then needs token_file (a bearer token).
admin {
  listen = ""   # "" = unix:<data_dir>/admin.sock
}

# Payments: a request that carries a session (the Fabnode-Session, -Nonce and
# -Signature headers, README "Paid chat") is checked against the escrow and
# billed at the session's prices; with mode "optional" a request without one
# (curl) is still served free, "required" refuses it (402).
payments {
  currencies = ["USD"]          # a quote in any other currency (or a token's) refuses the request
  mode       = "optional"       # off | optional | required
  tokens     = ["ETH=native:18"] # what sessions pay in; the pricing plugin quotes nano-ETH
}

# The EVM chain of the payment escrow; without rpc (and dev) the node runs
# without one. dev = true is make run's: serve starts fabnode-devchain (built
# by make build) on rpc's loopback port, a new chain in memory each run, with
# the contracts at the addresses below (the same on every development chain),
# funds the node's account in its genesis and registers the node and its
# model at the pricing plugin's quote; it prints a funded client account whose
# key is public. JSON-RPC http://127.0.0.1:8545, chain id 1337, for ethers.js
# or any wallet. The node's stores of earlier development chains are deleted.
#
# Another chain: `fabnode chain deploy --rpc URL --write-config config.hcl`
# fills in the contracts, `fabnode chain register` registers the node;
#   network = "local" (1337), "base-sepolia" (84532), "base" (8453), or
#             "custom" with chain_id
#   rpc     = an endpoint with an API key belongs in FABNODE_CHAIN_RPC
#   start_block = the escrow's deployment block
#   confirmations = 3 before a session is served and a transaction is final
#   api_url = "https://node.example.org" (what register registers)
chain {
  dev            = true
  network        = "local"
  rpc            = "http://127.0.0.1:8545"
  escrow         = "0x809926c727c3b3D96d7D2cab6a76411d501aa925"
  node_registry  = "0xE200D430d1A9096D9438a326ffA27F8c25bc66C0"
  model_registry = "0x2aF5026a44C720C85F60BD104eD1cdCC52A11420"
  confirmations  = 1     # a development chain mines a block a second and does not reorg
  poll_interval  = "500ms"
}

engine {
  threads         = 0      # 0 = one per CPU
  parallel        = 4      # concurrent requests per model (continuous batching)
  batch_size      = 512
  context_size    = 2048   # tokens per request slot
  gpu_layers      = 0      # > 0 needs a GPU backend (make cuda)
  flash_attention = false
  kv_cache_type   = "f16"
  memory_budget   = "0"    # bytes of weights + KV loaded at once; 0 = unlimited
}

# The libp2p host: peers find the node (DHT, mDNS, signed announcements)
# and buy inference from it over /fabnode/inference/1, the same request
# path and payments as HTTP. Its peer id is the node key. `fabnode p2p
# status` shows it; `fabnode client discover|chat` are the client side.
p2p {
  enabled   = true
  # This development config stays on this machine: loopback only, no LAN
  # discovery. A public node listens on 0.0.0.0 (or its address), sets
  # bootstrap peers and, on a LAN, mdns = true.
  listen    = ["/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic-v1"]
  bootstrap = []     # multiaddrs ending in /p2p/<peer id>: how the node joins the network
  mdns      = false  # true: find peers on the LAN (multicast)
  relays    = []     # circuit relays for a node behind NAT; [] = any peer with relay_service
  relay_service = false  # relay for peers behind NAT (a public node's favour to the network)
  hole_punching = true   # upgrade relayed connections to direct ones
  reachability  = "auto" # auto | public | private
  dht_mode      = "server"
  max_conns             = 256
  max_conns_per_peer    = 8
  max_requests_per_peer = 8      # concurrent inference streams one peer may hold
  max_frame_bytes       = "1MiB" # every protocol frame
  frame_timeout         = "10s"  # a request frame must arrive within this
  announce_interval     = "30s"  # models, quotes and free slots, signed, on the gossip topic
  reprovide_interval    = "12h"  # each model's DHT provider record (they expire after 48h)
}

# The default model is generated by `make run` (fabnode model gen); nothing
# is downloaded. A downloaded model is declared with url + sha256:
#   model "llama-3.2-1b" {
#     path   = "models/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
#     url    = "https://example.org/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
#     sha256 = "..."
#   }
model "fabnode-small" {
  path    = "models/fabnode-small.gguf"
  default = true
}

# Policies are WebAssembly plugins (abi/ABI.md), built by `make plugins`.
# Swap one by changing its file or its block and sending SIGHUP, or with
# `fabnode plugin reload NAME`; in-flight requests finish on the old version.
# Production configs pin each file: sha256 = "<hex>" (fabnode plugin inspect FILE).
plugin "safety" {
  kind = "safety"
  path = "build/plugins/safety.wasm"
  config = {
    deny_prompt = ["how to build a bomb"]
    redact      = ["email", "phone", "card"]
  }
}

plugin "pricing" {
  kind = "pricing"
  path = "build/plugins/pricing.wasm"
  config = {
    currency        = "ETH"    # a payments.tokens currency: sessions pay in wei, 10^9 per nano-ETH quoted
    input_per_mtok  = "0.001"  # 1 nano-ETH (10^9 wei) per input token
    output_per_mtok = "0.003"  # 3 nano-ETH per output token
    surge_max       = "0"      # a surcharge at load would raise the quote above an open session's prices
  }
}

plugin "cache" {
  kind   = "cache"
  path   = "build/plugins/cache.wasm"
  config = { ttl = "10m" }
}

plugin "format" {
  kind = "format"
  path = "build/plugins/format.wasm"
}

plugin "proof" {
  kind = "proof"
  path = "build/plugins/proof.wasm"
}

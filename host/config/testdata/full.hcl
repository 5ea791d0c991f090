# Every key fabnode understands, with non-default values.
node {
  name                    = "test-node"
  data_dir                = "state"
  key_file                = "state/key"
  proof_checkpoint_tokens = 500
  plugin_watch            = "5s"
}

log {
  level       = "debug"
  format      = "json"
  log_prompts = true
}

api {
  response_cache_bytes = "16MiB"
  listen              = "0.0.0.0:9090"
  max_body_bytes      = "2MiB"
  read_header_timeout = "5s"
  request_timeout     = "2m"
  max_queue           = 16
  body_timeout        = "5s"
  idle_timeout        = "30s"
  max_conns_per_client = 8
  trust_user_field    = true
}

admin {
  listen     = "127.0.0.1:9091"
  token_file = "state/admin.token"
}

payments {
  currencies    = ["USD", "EUR"]
  mode          = "optional"
  tokens        = ["ETH=native:18"]
  settle_idle   = "5m"
  settle_margin = "2m"
  receipt_wait  = "10s"
}

engine {
  threads         = 8
  parallel        = 2
  batch_size      = 256
  context_size    = 4096
  gpu_layers      = 99
  main_gpu        = 1
  flash_attention = true
  kv_cache_type   = "q8_0"
  memory_budget   = "8GiB"
  idle_unload     = "15m"
}

p2p {
  enabled               = true
  listen                = ["/ip4/0.0.0.0/tcp/4101", "/ip4/0.0.0.0/udp/4101/quic-v1"]
  bootstrap             = ["/ip4/192.0.2.1/tcp/4001/p2p/16Uiu2HAmKTR6p9uaFJPdL8jY7Kgke3mWzPkrW62fT6DN6r9GYnAo"]
  relays                = ["/ip4/192.0.2.2/tcp/4001/p2p/16Uiu2HAmKTR6p9uaFJPdL8jY7Kgke3mWzPkrW62fT6DN6r9GYnAo"]
  mdns                  = false
  relay_service         = true
  hole_punching         = false
  nat_port_map          = true
  reachability          = "private"
  dht_mode              = "client"
  max_conns             = 64
  max_conns_per_peer    = 4
  max_streams_per_peer  = 128
  max_requests_per_peer = 2
  max_memory            = "512MiB"
  max_frame_bytes       = "256KiB"
  frame_timeout         = "5s"
  write_timeout         = "15s"
  announce_interval     = "1m"
  announce_ttl          = "5m"
  reprovide_interval    = "6h"
}

model "Qwen2.5-0.5B" {
  path          = "models/qwen.gguf"
  url           = "https://example.com/qwen.gguf"
  sha256        = "0000000000000000000000000000000000000000000000000000000000000000"
  default       = true
  context_size  = 8192
  parallel      = 1
  gpu_layers    = 20
  chat_template = "chatml"
}

model "tiny" {
  path = "/abs/tiny.gguf"
}

plugin "pricing" {
  kind             = "pricing"
  path             = "plugins/bin/pricing.wasm"
  sha256           = "ABCDEF0000000000000000000000000000000000000000000000000000000000"
  config           = { currency = "USD", PerToken = 0.5, tiers = [1, 2], nested = { on = true } }
  memory_limit     = "32MiB"
  timeout          = "250ms"
  max_output_bytes = 4096
  pool_size        = 2
}

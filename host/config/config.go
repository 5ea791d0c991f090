package config

import (
	"time"

	"github.com/fabnode/fabnode/abi"
)

// Config is the whole node configuration. The mapstructure tags are the
// schema: the set of accepted keys, their env names and their types are all
// derived from them by reflection (see schema.go), so adding a field here is
// the only step needed to make it configurable.
//
// Struct tags understood besides mapstructure:
//
//	check:"..."   validation rules, comma separated: min=X, max=X,
//	              oneof=a|b|c, nonempty, hostport, url, sha256; a leading
//	              "optional" lets the zero value pass the rest
//	config:"path" a filesystem path; relative values written in the
//	              config file are resolved against the file's directory
//	config:"secret" never rendered or logged (Render prints "(redacted)")
type Config struct {
	Node     NodeConfig     `mapstructure:"node"`
	Log      LogConfig      `mapstructure:"log"`
	API      APIConfig      `mapstructure:"api"`
	Engine   EngineConfig   `mapstructure:"engine"`
	Admin    AdminConfig    `mapstructure:"admin"`
	Payments PaymentsConfig `mapstructure:"payments"`
	Chain    ChainConfig    `mapstructure:"chain"`
	P2P      P2PConfig      `mapstructure:"p2p"`
	// Models and Plugins are labeled, repeatable blocks: model "NAME" {...}.
	Models  map[string]ModelConfig  `mapstructure:"model"`
	Plugins map[string]PluginConfig `mapstructure:"plugin"`
}

type NodeConfig struct {
	Name    string `mapstructure:"name" check:"nonempty"`
	DataDir string `mapstructure:"data_dir" check:"nonempty" config:"path"`
	// KeyFile is where earlier versions kept the node's Ed25519 key; ""
	// = <data_dir>/node.key. It is read only to tell the operator of such a
	// node how to move to the keystore key, never used for signing.
	KeyFile string `mapstructure:"key_file" config:"path"`
	// Keystore holds the node's one secp256k1 key, encrypted (its Ethereum
	// account and the signer of its commitments); "" = <data_dir>/keystore.
	Keystore string `mapstructure:"keystore" config:"path"`
	// KeyPasswordFile holds the keystore password; "" = the environment
	// variable FABNODE_KEY_PASSWORD. The password is never config text.
	KeyPasswordFile string `mapstructure:"key_password_file" config:"path"`
	// DevKey lets a node without a key create a development key (empty
	// password unless one is configured) and warn that it runs on one.
	DevKey bool `mapstructure:"dev_key"`
	// ProofCheckpointTokens is how many output tokens one signed proof
	// checkpoint covers.
	ProofCheckpointTokens int `mapstructure:"proof_checkpoint_tokens" check:"min=1,max=1000000000"`
	// PluginWatch polls plugin files for changes and hot-swaps them; 0 = off
	// (SIGHUP and `fabnode plugin reload` still work).
	PluginWatch time.Duration `mapstructure:"plugin_watch" check:"min=0"`
}

type LogConfig struct {
	Level  string `mapstructure:"level" check:"oneof=trace|debug|info|warn|error"`
	Format string `mapstructure:"format" check:"oneof=text|json"`
	// LogPrompts allows prompt and completion text in logs. Off by default
	// because prompts are user data.
	LogPrompts bool `mapstructure:"log_prompts"`
}

type APIConfig struct {
	Listen            string        `mapstructure:"listen" check:"hostport"`
	MaxBodyBytes      ByteSize      `mapstructure:"max_body_bytes" check:"min=1"`
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout" check:"min=1ms"`
	RequestTimeout    time.Duration `mapstructure:"request_timeout" check:"min=1ms"`
	// MaxQueue is how many requests may wait for a slot; 0 rejects when busy.
	MaxQueue int `mapstructure:"max_queue" check:"min=0,max=1000000"`
	// ResponseCacheBytes bounds the host-owned response cache the cache
	// plugin's policy fills; 0 disables it.
	ResponseCacheBytes ByteSize `mapstructure:"response_cache_bytes" check:"min=0"`
	// BodyTimeout bounds reading a request body (408 past it): a client
	// trickling a body cannot hold a connection open.
	BodyTimeout time.Duration `mapstructure:"body_timeout" check:"min=1ms"`
	// IdleTimeout closes a keep-alive connection idle this long.
	IdleTimeout time.Duration `mapstructure:"idle_timeout" check:"min=1ms"`
	// MaxConnsPerClient caps the connections one remote address holds
	// open at once; 0 = no cap.
	MaxConnsPerClient int `mapstructure:"max_conns_per_client" check:"min=0,max=1000000"`
	// TrustUserField takes a request's `user` field as the client's
	// identity (cache scope, pricing). Off, the client is its address.
	TrustUserField bool `mapstructure:"trust_user_field"`
	// MetricsListen serves /metrics on a listener of its own (host:port),
	// and not on the public one; "" = on the public listener.
	MetricsListen string `mapstructure:"metrics_listen" check:"optional,hostport"`
}

// AdminConfig places the operator endpoints (plugin reload) on a
// listener of their own, never the public one.
type AdminConfig struct {
	// Listen is "unix:PATH" (a socket created mode 0600) or host:port;
	// "" = unix:<data_dir>/admin.sock.
	Listen string `mapstructure:"listen"`
	// TokenFile holds the bearer token every admin request must carry;
	// required when Listen is an address.
	TokenFile string `mapstructure:"token_file" config:"path"`
}

// PaymentsConfig says what the node accepts as payment.
type PaymentsConfig struct {
	// Currencies a quote may name; a quote in any other is refused and
	// the request with it. The currencies of Tokens are accepted too.
	Currencies []string `mapstructure:"currencies" check:"nonempty"`
	// Mode is when a request must pay through an escrow session on the
	// chain (chain.rpc): "off", "optional" (requests that carry a session
	// are checked, others are served free) or "required".
	Mode string `mapstructure:"mode" check:"oneof=off|optional|required"`
	// Tokens the node is paid in, each "CURRENCY=ADDRESS:DECIMALS"
	// (ADDRESS "native" for the chain's own coin), e.g.
	// ["ETH=native:18", "USDC=0x036C…:6"]. The pricing plugin quotes
	// nano-units of CURRENCY; a session's prices must cover the quote.
	Tokens []string `mapstructure:"tokens"`
	// SettleIdle settles a session nobody used for this long (a client
	// that vanished): its last receipt plus at most the credit window.
	SettleIdle time.Duration `mapstructure:"settle_idle" check:"min=1s"`
	// SettleMargin is how long before its deadline a session is settled
	// at the latest, and how long it must still run to be served on.
	SettleMargin time.Duration `mapstructure:"settle_margin" check:"min=1s"`
	// ReceiptWait is how long a stream waits for a receipt once the
	// client's credit window is used up, before it ends.
	ReceiptWait time.Duration `mapstructure:"receipt_wait" check:"min=1ms"`
}

// ChainConfig connects the node to the EVM chain of its escrow (package
// host/chain). rpc = "" (the default) runs the node without a chain. Zero
// values mean the defaults named here, so an absent block is all zeros.
type ChainConfig struct {
	// Network picks the chain id: "local" (1337, the default; rpc usually
	// http://127.0.0.1:8545), "base-sepolia" (84532), "base" (8453), or
	// "custom" with chain_id.
	Network string `mapstructure:"network" check:"oneof=|local|base-sepolia|base|custom"`
	// RPC is the JSON-RPC endpoint (http, https, ws, wss). An endpoint with
	// an API key in it belongs in FABNODE_CHAIN_RPC, not the file.
	RPC string `mapstructure:"rpc"`
	// ChainID must match the endpoint's; 0 = the network's.
	ChainID int64 `mapstructure:"chain_id" check:"min=0"`
	// Contract addresses (0x…), as `fabnode chain deploy` prints them.
	Escrow        string `mapstructure:"escrow"`
	NodeRegistry  string `mapstructure:"node_registry"`
	ModelRegistry string `mapstructure:"model_registry"`
	// StartBlock is where the session monitor starts on its first run (the
	// escrow's deployment block); 0 = the head at that first start.
	StartBlock int64 `mapstructure:"start_block" check:"min=0"`
	// Confirmations a session's opening needs before it is served, and a
	// transaction before it is final; 0 = 3.
	Confirmations int `mapstructure:"confirmations" check:"min=0,max=1000"`
	// PollInterval of the session monitor; 0 = 2s.
	PollInterval time.Duration `mapstructure:"poll_interval" check:"min=0"`
	// ReceiptPoll is how often pending transactions are checked; 0 = 250ms.
	ReceiptPoll time.Duration `mapstructure:"receipt_poll" check:"min=0"`
	// BumpAfter replaces a transaction not mined this long with the same
	// nonce and a higher fee; 0 = 30s.
	BumpAfter time.Duration `mapstructure:"bump_after" check:"min=0"`
	// MaxFeeGwei caps the fee per gas; 0 = no cap.
	MaxFeeGwei int64 `mapstructure:"max_fee_gwei" check:"min=0"`
	// MaxLogRange bounds the blocks of one eth_getLogs; 0 = 2000.
	MaxLogRange int `mapstructure:"max_log_range" check:"min=0,max=1000000"`
	// RPCTimeout bounds one RPC call; 0 = 10s.
	RPCTimeout time.Duration `mapstructure:"rpc_timeout" check:"min=0"`
	// APIURL is the public URL `fabnode chain register` registers.
	APIURL string `mapstructure:"api_url" check:"url"`
	// Dev runs a development chain for this node (`make run`): serve starts
	// fabnode-devchain on rpc's loopback port (default 8545), a new chain
	// in memory each run, funds the node's account and registers it
	// (host/node/devchain.go).
	Dev bool `mapstructure:"dev"`
}

// P2PConfig is the node's libp2p host (package host/p2p): discovery, the
// quote and inference protocols, reachability. Off unless enabled.
type P2PConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// Listen are multiaddrs (TCP and QUIC); duplicates are dropped.
	Listen []string `mapstructure:"listen"`
	// Bootstrap peers, each a multiaddr ending in /p2p/<peer id>.
	Bootstrap []string `mapstructure:"bootstrap"`
	// Relays are static circuit relays (/p2p/<id> multiaddrs) for a node
	// behind NAT; empty: any connected peer running the relay service.
	Relays []string `mapstructure:"relays"`
	// MDNS finds peers on the LAN (multicast on every interface).
	MDNS bool `mapstructure:"mdns"`
	// RelayService relays for peers behind NAT (and answers AutoNAT).
	RelayService bool `mapstructure:"relay_service"`
	// HolePunching upgrades relayed connections to direct ones (DCUtR).
	HolePunching bool `mapstructure:"hole_punching"`
	// NATPortMap asks the LAN's router for a port mapping (UPnP, NAT-PMP).
	NATPortMap bool `mapstructure:"nat_port_map"`
	// Reachability: auto (AutoNAT decides), public or private.
	Reachability string `mapstructure:"reachability" check:"oneof=auto|public|private"`
	// DHTMode: server (answers DHT queries), client, or auto.
	DHTMode string `mapstructure:"dht_mode" check:"oneof=server|client|auto"`
	// MaxConns bounds connections (the resource manager refuses past it;
	// the connection manager trims from 3/4 of it to 1/2).
	MaxConns        int `mapstructure:"max_conns" check:"min=4,max=1000000"`
	MaxConnsPerPeer int `mapstructure:"max_conns_per_peer" check:"min=1,max=1024"`
	// MaxStreamsPerPeer bounds one peer's streams of all protocols.
	MaxStreamsPerPeer int `mapstructure:"max_streams_per_peer" check:"min=8,max=1000000"`
	// MaxRequestsPerPeer bounds one peer's concurrent inference (and
	// quote) streams; the rest are reset.
	MaxRequestsPerPeer int `mapstructure:"max_requests_per_peer" check:"min=1,max=1024"`
	// MaxMemory bounds what the libp2p stack reserves; 0 = scaled to the
	// machine.
	MaxMemory ByteSize `mapstructure:"max_memory" check:"min=0"`
	// MaxFrameBytes bounds every protocol frame read.
	MaxFrameBytes ByteSize `mapstructure:"max_frame_bytes" check:"min=4KiB,max=64MiB"`
	// FrameTimeout bounds a request frame's arrival; WriteTimeout each
	// frame the node writes (a client that stops reading is gone).
	FrameTimeout time.Duration `mapstructure:"frame_timeout" check:"min=10ms"`
	WriteTimeout time.Duration `mapstructure:"write_timeout" check:"min=10ms"`
	// AnnounceInterval: how often the node announces its models, prices
	// and free slots; announcements older than AnnounceTTL are dropped.
	AnnounceInterval time.Duration `mapstructure:"announce_interval" check:"min=100ms"`
	AnnounceTTL      time.Duration `mapstructure:"announce_ttl" check:"min=1s"`
	// ReprovideInterval: how often each model's DHT provider record is put
	// again (records expire after 48h).
	ReprovideInterval time.Duration `mapstructure:"reprovide_interval" check:"min=1m,max=47h"`
}

type EngineConfig struct {
	Threads        int    `mapstructure:"threads" check:"min=0,max=4096"` // 0 = auto
	Parallel       int    `mapstructure:"parallel" check:"min=1,max=256"` // slots per model
	BatchSize      int    `mapstructure:"batch_size" check:"min=1,max=1048576"`
	ContextSize    int    `mapstructure:"context_size" check:"min=1,max=16777216"` // tokens per slot
	GPULayers      int    `mapstructure:"gpu_layers" check:"min=0"`
	MainGPU        int    `mapstructure:"main_gpu" check:"min=0"`
	FlashAttention bool   `mapstructure:"flash_attention"`
	KVCacheType    string `mapstructure:"kv_cache_type" check:"oneof=f16|q8_0|q4_0"`
	// MemoryBudget bounds model weights + KV cache loaded at once; 0 = unlimited.
	MemoryBudget ByteSize `mapstructure:"memory_budget" check:"min=0"`
	// IdleUnload unloads a model unused for this long; 0 = never.
	IdleUnload time.Duration `mapstructure:"idle_unload" check:"min=0"`
}

type ModelConfig struct {
	Path    string `mapstructure:"path" check:"nonempty" config:"path"`
	URL     string `mapstructure:"url" check:"url"`       // where to fetch Path from if missing
	SHA256  string `mapstructure:"sha256" check:"sha256"` // verified before load when set
	Default bool   `mapstructure:"default"`               // served when a request names no model
	// Zero / -1 values mean "use the engine default".
	ContextSize  int    `mapstructure:"context_size" check:"min=0,max=16777216"`
	Parallel     int    `mapstructure:"parallel" check:"min=0,max=256"`
	GPULayers    int    `mapstructure:"gpu_layers" check:"min=-1"`
	ChatTemplate string `mapstructure:"chat_template" check:"oneof=|chatml|llama3|llama2|mistral|gemma|zephyr|phi3"` // "" = from GGUF metadata
}

type PluginConfig struct {
	Kind   string `mapstructure:"kind" check:"nonempty"`
	Path   string `mapstructure:"path" check:"nonempty" config:"path"`
	SHA256 string `mapstructure:"sha256" check:"sha256"`
	// Config is handed to the plugin verbatim (keys keep their case).
	Config map[string]any `mapstructure:"config"`
	// The bounds are the plugin runtime's (host/plugin.Limits): an
	// instance needs at least 4 MiB and wazero addresses at most 4 GiB; a
	// result must hold its status byte and a message, and 1 GiB is more
	// than any hook can mean.
	MemoryLimit    ByteSize      `mapstructure:"memory_limit" check:"min=4MiB,max=4GiB"`
	Timeout        time.Duration `mapstructure:"timeout" check:"min=1ms"`
	MaxOutputBytes ByteSize      `mapstructure:"max_output_bytes" check:"min=64,max=1GiB"`
	PoolSize       int           `mapstructure:"pool_size" check:"min=1,max=256"`
}

// Default returns the built-in configuration: the lowest layer under the
// file, env and flags.
func Default() *Config {
	return &Config{
		Node: NodeConfig{Name: "fabnode", DataDir: "./data", ProofCheckpointTokens: 1000, PluginWatch: 2 * time.Second},
		Log:  LogConfig{Level: "info", Format: "text"},
		API: APIConfig{
			Listen:             "127.0.0.1:8080",
			MaxBodyBytes:       1 << 20,
			ReadHeaderTimeout:  10 * time.Second,
			RequestTimeout:     10 * time.Minute,
			MaxQueue:           64,
			ResponseCacheBytes: 64 << 20,
			BodyTimeout:        30 * time.Second,
			IdleTimeout:        2 * time.Minute,
			MaxConnsPerClient:  64,
		},
		Payments: PaymentsConfig{Currencies: []string{"USD"}, Mode: "off",
			SettleIdle: 10 * time.Minute, SettleMargin: 10 * time.Minute, ReceiptWait: 30 * time.Second},
		P2P: P2PConfig{
			Listen:       []string{"/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"},
			MDNS:         true,
			HolePunching: true,
			Reachability: "auto", DHTMode: "server",
			MaxConns: 256, MaxConnsPerPeer: 8, MaxStreamsPerPeer: 256, MaxRequestsPerPeer: 8,
			MaxFrameBytes: 1 << 20, FrameTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
			AnnounceInterval: 30 * time.Second, AnnounceTTL: 2 * time.Minute, ReprovideInterval: 12 * time.Hour,
		},
		Engine: EngineConfig{
			Parallel:    4,
			BatchSize:   512,
			ContextSize: 2048,
			KVCacheType: "f16",
		},
		Models:  map[string]ModelConfig{},
		Plugins: map[string]PluginConfig{},
	}
}

// setDefaults fills a model block's unset keys; called before the block's
// own keys are applied.
func (m *ModelConfig) setDefaults() { *m = ModelConfig{GPULayers: -1} }

func (p *PluginConfig) setDefaults() {
	*p = PluginConfig{
		MemoryLimit:    64 << 20,
		Timeout:        100 * time.Millisecond,
		MaxOutputBytes: abi.DefaultMaxOutputBytes,
		PoolSize:       4,
	}
}

// DefaultModel returns the model the engine should serve when a request
// names none: the one marked default, or the only one declared.
func (c *Config) DefaultModel() (string, bool) {
	for name, m := range c.Models {
		if m.Default {
			return name, true
		}
	}
	if len(c.Models) == 1 {
		for name := range c.Models {
			return name, true
		}
	}
	return "", false
}

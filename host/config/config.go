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
//	              oneof=a|b|c, nonempty, hostport, url, sha256
//	config:"path" a filesystem path; relative values written in the
//	              config file are resolved against the file's directory
//	config:"secret" never rendered or logged (Render prints "(redacted)")
type Config struct {
	Node   NodeConfig   `mapstructure:"node"`
	Log    LogConfig    `mapstructure:"log"`
	API    APIConfig    `mapstructure:"api"`
	Engine EngineConfig `mapstructure:"engine"`
	// Models and Plugins are labeled, repeatable blocks: model "NAME" {...}.
	Models  map[string]ModelConfig  `mapstructure:"model"`
	Plugins map[string]PluginConfig `mapstructure:"plugin"`
}

type NodeConfig struct {
	Name    string `mapstructure:"name" check:"nonempty"`
	DataDir string `mapstructure:"data_dir" check:"nonempty" config:"path"`
	// KeyFile holds the node's Ed25519 signing key (created, mode 0600, on
	// first start); "" = <data_dir>/node.key. The key is never logged.
	KeyFile string `mapstructure:"key_file" config:"path"`
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

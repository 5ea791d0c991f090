package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// writeConfig writes config.hcl into a fresh directory and chdirs there, so
// error messages read "config.hcl:N: ..." as a user would see them.
func writeConfig(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("config.hcl", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return "config.hcl"
}

func TestLoadFull(t *testing.T) {
	cfg, err := Load("testdata/full.hcl", nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	dir, _ := filepath.Abs("testdata")
	want := &Config{
		Node: NodeConfig{Name: "test-node", DataDir: filepath.Join(dir, "state"), KeyFile: filepath.Join(dir, "state/key"),
			ProofCheckpointTokens: 500, PluginWatch: 5 * time.Second},
		Log: LogConfig{Level: "debug", Format: "json", LogPrompts: true},
		API: APIConfig{Listen: "0.0.0.0:9090", MaxBodyBytes: 2 << 20, ReadHeaderTimeout: 5 * time.Second,
			RequestTimeout: 2 * time.Minute, MaxQueue: 16, ResponseCacheBytes: 16 << 20,
			BodyTimeout: 5 * time.Second, IdleTimeout: 30 * time.Second, MaxConnsPerClient: 8, TrustUserField: true},
		Admin: AdminConfig{Listen: "127.0.0.1:9091", TokenFile: filepath.Join(dir, "state/admin.token")},
		Payments: PaymentsConfig{Currencies: []string{"USD", "EUR"}, Mode: "optional", Tokens: []string{"ETH=native:18"},
			SettleIdle: 5 * time.Minute, SettleMargin: 2 * time.Minute, ReceiptWait: 10 * time.Second},
		Engine: EngineConfig{Threads: 8, Parallel: 2, BatchSize: 256, ContextSize: 4096, GPULayers: 99, MainGPU: 1,
			FlashAttention: true, KVCacheType: "q8_0", MemoryBudget: 8 << 30, IdleUnload: 15 * time.Minute},
		Models: map[string]ModelConfig{
			"Qwen2.5-0.5B": {Path: filepath.Join(dir, "models/qwen.gguf"), URL: "https://example.com/qwen.gguf",
				SHA256: strings.Repeat("0", 64), Default: true, ContextSize: 8192, Parallel: 1, GPULayers: 20, ChatTemplate: "chatml"},
			"tiny": {Path: "/abs/tiny.gguf", GPULayers: -1},
		},
		Plugins: map[string]PluginConfig{
			"pricing": {Kind: "pricing", Path: filepath.Join(dir, "plugins/bin/pricing.wasm"),
				SHA256: "ABCDEF" + strings.Repeat("0", 58),
				Config: map[string]any{"currency": "USD", "PerToken": 0.5, "tiers": []any{int64(1), int64(2)},
					"nested": map[string]any{"on": true}},
				MemoryLimit: 32 << 20, Timeout: 250 * time.Millisecond, MaxOutputBytes: 4096, PoolSize: 2},
		},
		P2P: P2PConfig{Enabled: true, Listen: []string{"/ip4/0.0.0.0/tcp/4101", "/ip4/0.0.0.0/udp/4101/quic-v1"},
			Bootstrap:    []string{"/ip4/192.0.2.1/tcp/4001/p2p/16Uiu2HAmKTR6p9uaFJPdL8jY7Kgke3mWzPkrW62fT6DN6r9GYnAo"},
			Relays:       []string{"/ip4/192.0.2.2/tcp/4001/p2p/16Uiu2HAmKTR6p9uaFJPdL8jY7Kgke3mWzPkrW62fT6DN6r9GYnAo"},
			RelayService: true, NATPortMap: true, Reachability: "private", DHTMode: "client",
			MaxConns: 64, MaxConnsPerPeer: 4, MaxStreamsPerPeer: 128, MaxRequestsPerPeer: 2, MaxMemory: 512 << 20,
			MaxFrameBytes: 256 << 10, FrameTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second,
			AnnounceInterval: time.Minute, AnnounceTTL: 5 * time.Minute, ReprovideInterval: 6 * time.Hour},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}
	if name, ok := cfg.DefaultModel(); !ok || name != "Qwen2.5-0.5B" {
		t.Errorf("DefaultModel = %q %v", name, ok)
	}

	// Render must produce a file that loads back to the same config.
	out, err := Render(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rendered.hcl")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Load(path, nil)
	if err != nil {
		t.Fatalf("reload rendered config: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, cfg) {
		t.Fatalf("render round trip differs:\n%s", out)
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatalf("defaults must be valid: %v", err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("got %+v want %+v", cfg, Default())
	}
	// An empty file is also all defaults (paths aside, none are set).
	cfg, err = Load(writeConfig(t, ""), nil)
	if err != nil || !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("empty file: %+v %v", cfg, err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.hcl"), nil)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("want not-exist error, got %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown key with suggestion", "api {\n  listn = \"x:1\"\n}\n",
			[]string{`config.hcl:2: unknown key "listn" in block "api"; did you mean "listen"?`}},
		{"unknown key in labeled block", "model \"m\" {\n  path = \"a\"\n  pth = \"b\"\n}\n",
			[]string{`config.hcl:3: unknown key "pth" in model "m"; did you mean "path"?`}},
		{"unknown block", "\nengin {}\n", []string{`config.hcl:2: unknown block "engin"; did you mean "engine"?`}},
		{"unknown top-level attribute", "nodee = 1\n", []string{`config.hcl:1: unknown top-level key "nodee"; did you mean "node"?`}},
		{"range", "engine {\n  parallel = 0\n}\n",
			[]string{"config.hcl:2: engine.parallel must be between 1 and 256, got 0"}},
		{"wrong type", "engine {\n\n  threads = \"lots\"\n}\n",
			[]string{`config.hcl:3: engine.threads: expected a whole number, got string "lots"`}},
		{"duration as number", "api {\n  request_timeout = 30\n}\n",
			[]string{`config.hcl:2: api.request_timeout: expected a duration string like "30s", got number 30`}},
		{"bad duration", "api {\n  request_timeout = \"30 secs\"\n}\n", []string{`config.hcl:2: api.request_timeout: invalid duration "30 secs"`}},
		{"bad size", "engine {\n  memory_budget = \"8XB\"\n}\n", []string{`config.hcl:2: engine.memory_budget: invalid size "8XB"`}},
		{"oneof", "log {\n  level = \"verbose\"\n}\n",
			[]string{`config.hcl:2: log.level must be one of "trace", "debug", "info", "warn", "error", got "verbose"`}},
		{"listen", "api {\n  listen = \"8080\"\n}\n", []string{`config.hcl:2: api.listen must be host:port`}},
		{"model checks", "model \"m\" {\n  path = \"a\"\n  gpu_layers = -2\n  chat_template = \"vicuna\"\n  sha256 = \"abc\"\n}\n",
			[]string{`config.hcl:3: model "m": gpu_layers must be at least -1, got -2`,
				`config.hcl:4: model "m": chat_template must be one of`,
				`config.hcl:5: model "m": sha256 must be 64 hex digits`}},
		{"missing required key points at block", "\nmodel \"m\" {\n}\n", []string{`config.hcl:2: model "m": path must not be empty`}},
		{"plugin defaults are checked too", "plugin \"p\" {\n  path = \"x.wasm\"\n}\n", []string{`config.hcl:1: plugin "p": kind must not be empty`}},
		{"two defaults", "model \"a\" {\n  path = \"a\"\n  default = true\n}\nmodel \"b\" {\n  path = \"b\"\n  default = true\n}\n",
			[]string{`only one model may set default = true, got "a" (line 3), "b" (line 7)`}},
		{"duplicate label", "model \"a\" {\n  path = \"a\"\n}\nmodel \"a\" {\n  path = \"b\"\n}\n",
			[]string{`config.hcl:4: duplicate model "a"; first defined at config.hcl:1`}},
		{"section as attribute", "api = {}\n", []string{"config.hcl:1: api must be an unlabeled block"}},
		{"labeled section without label", "model {\n}\n", []string{`config.hcl:1: model must be a labeled block: model "NAME" { ... }`}},
		{"block where attribute expected", "api {\n  listen {\n  }\n}\n", []string{"config.hcl:2: listen in block \"api\" must be an attribute"}},
		{"null", "api {\n  listen = null\n}\n", []string{"config.hcl:2: listen in block \"api\" must not be null"}},
		{"syntax error has column", "api {\n  listen = \"unterminated\n}\n", []string{"config.hcl:2:25: Unterminated template string"}},
		{"one attribute per line", "node { name = \"a\", data_dir = \"b\" }\n", []string{"config.hcl:1:"}},
		{"structure and value errors together", "api {\n  listn = 1\n}\nengine {\n  parallel = 0\n}\napi2 = 3\n",
			[]string{`config.hcl:2: unknown key "listn"`, "\nconfig.hcl:5: engine.parallel must be", "\nconfig.hcl:7: unknown top-level key \"api2\""}},
		{"refused section is not checked twice", "api = { listen = \"nope\" }\n", []string{"config.hcl:1: api must be an unlabeled block: api { ... }"}},
		{"all errors at once, sorted", "engine {\n  parallel = 0\n  threads = -1\n}\n",
			[]string{"config.hcl:2: engine.parallel", "\nconfig.hcl:3: engine.threads"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(writeConfig(t, tt.src), nil)
			if err == nil {
				t.Fatalf("want error, got config %+v", cfg)
			}
			if cfg != nil {
				t.Error("config returned alongside an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%s\ndoes not contain:\n%s", err, w)
				}
			}
			if strings.HasPrefix(tt.name, "refused") && err.Error() != tt.want[0] {
				t.Errorf("error:\n%s\nwant only:\n%s", err, tt.want[0])
			}
		})
	}
}

func TestEnvOverride(t *testing.T) {
	path := writeConfig(t, "api {\n  listen = \"127.0.0.1:1\"\n}\nengine {\n  parallel = 2\n}\n")
	t.Setenv("FABNODE_API_LISTEN", "0.0.0.0:7000")
	t.Setenv("FABNODE_ENGINE_FLASH_ATTENTION", "true")
	t.Setenv("FABNODE_ENGINE_MEMORY_BUDGET", "4GiB")
	t.Setenv("FABNODE_NODE_DATA_DIR", "rel/dir") // env paths stay relative to the cwd
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.API.Listen != "0.0.0.0:7000" || !cfg.Engine.FlashAttention || cfg.Engine.MemoryBudget != 4<<30 {
		t.Errorf("env not applied: %+v %+v", cfg.API, cfg.Engine)
	}
	if cfg.Engine.Parallel != 2 {
		t.Errorf("file value lost: parallel = %d", cfg.Engine.Parallel)
	}
	if cfg.Node.DataDir != "rel/dir" {
		t.Errorf("data_dir = %q", cfg.Node.DataDir)
	}

	t.Setenv("FABNODE_ENGINE_PARALLEL", "0")
	_, err = Load(path, nil)
	if want := "env FABNODE_ENGINE_PARALLEL: engine.parallel must be between 1 and 256, got 0"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestEnvUnknownKey(t *testing.T) {
	t.Setenv("FABNODE_API_LISTN", "x")
	t.Setenv("FABNODE_CONFIG", "/somewhere.hcl") // not a section: left for the CLI
	_, err := Load("", nil)
	want := `env FABNODE_API_LISTN: unknown key "listn" in section "api"; did you mean FABNODE_API_LISTEN?`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	os.Unsetenv("FABNODE_API_LISTN")
	t.Setenv("FABNODE_MODEL_TINY_PATH", "x")
	if _, err := Load("", nil); err == nil || !strings.Contains(err.Error(), "model blocks can only be set in the config file") {
		t.Fatalf("got %v", err)
	}
}

func TestFlagOverEnv(t *testing.T) {
	path := writeConfig(t, "engine {\n  parallel = 2\n  threads = 3\n}\n")
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.Int("parallel", 99, "")
	fs.Int("threads", 99, "") // default must not mask the file
	fs.String("listen", "", "")
	fs.Duration("request-timeout", 0, "")
	if err := fs.Parse([]string{"--parallel=7", "--listen=:9999", "--request-timeout=45s"}); err != nil {
		t.Fatal(err)
	}
	flags := map[string]*pflag.Flag{
		"engine.parallel":     fs.Lookup("parallel"),
		"engine.threads":      fs.Lookup("threads"),
		"api.listen":          fs.Lookup("listen"),
		"api.request_timeout": fs.Lookup("request-timeout"),
	}
	t.Setenv("FABNODE_ENGINE_PARALLEL", "5")
	cfg, err := Load(path, flags)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Engine.Parallel != 7 || cfg.Engine.Threads != 3 || cfg.API.Listen != ":9999" || cfg.API.RequestTimeout != 45*time.Second {
		t.Errorf("got parallel=%d threads=%d listen=%q timeout=%v", cfg.Engine.Parallel, cfg.Engine.Threads, cfg.API.Listen, cfg.API.RequestTimeout)
	}

	if err := fs.Set("parallel", "0"); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path, flags)
	if want := "flag --parallel: engine.parallel must be between 1 and 256, got 0"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestFlagBindingErrors(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Int("p", 1, "")
	_, err := Load("", map[string]*pflag.Flag{"engine.paralel": fs.Lookup("p"), "api.listen": fs.Lookup("nope")})
	if err == nil || !strings.Contains(err.Error(), `unknown config key "engine.paralel"; did you mean "engine.parallel"?`) ||
		!strings.Contains(err.Error(), `flag for "api.listen" is nil`) {
		t.Fatalf("got %v", err)
	}
}

func TestRelativePaths(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "etc", "fabnode")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "node {\n  data_dir = \"../state\"\n}\nmodel \"m\" {\n  path = \"models/m.gguf\"\n}\nmodel \"abs\" {\n  path = \"/opt/m.gguf\"\n}\n" +
		"plugin \"p\" {\n  kind = \"pricing\"\n  path = \"p.wasm\"\n}\n"
	if err := os.WriteFile(filepath.Join(sub, "config.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	cfg, err := Load("etc/fabnode/config.hcl", nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{
		cfg.Node.DataDir:       filepath.Join(root, "etc", "state"),
		cfg.Models["m"].Path:   filepath.Join(sub, "models", "m.gguf"),
		cfg.Models["abs"].Path: "/opt/m.gguf",
		cfg.Plugins["p"].Path:  filepath.Join(sub, "p.wasm"),
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %q want %q", got, want)
		}
	}
}

func TestSchemaTags(t *testing.T) {
	// Every check tag must parse; a typo in a tag would otherwise surface
	// only when a user hits that key.
	for _, s := range schema {
		for _, l := range s.leaves {
			msg := check(l, reflectZero(l))
			if strings.Contains(msg, "check tag") || strings.Contains(msg, "check rule") || strings.Contains(msg, "not a number") {
				t.Errorf("%s.%s: %s", s.name, l.name, msg)
			}
		}
	}
	// Keys lists every leaf of every fixed section, in schema order.
	want := 0
	for _, s := range schema {
		if !s.labeled {
			want += len(s.leaves)
		}
	}
	got := Keys()
	if len(got) != want || got[0] != "node.name" || !slices.Contains(got, "api.listen") || !slices.Contains(got, "payments.currencies") {
		t.Errorf("Keys() = %v, want %d keys", got, want)
	}
	if EnvVar("api.max_body_bytes") != "FABNODE_API_MAX_BODY_BYTES" {
		t.Error(EnvVar("api.max_body_bytes"))
	}
}

func reflectZero(l leaf) reflect.Value { return reflect.New(l.typ).Elem() }

func TestRenderRedactsSecrets(t *testing.T) {
	type withSecret struct {
		Token string `mapstructure:"token" config:"secret"`
	}
	s := buildSchema(reflect.TypeFor[struct {
		Auth withSecret `mapstructure:"auth"`
	}]())
	if len(s) != 1 || !s[0].leaves[0].secret {
		t.Fatalf("secret tag not picked up: %+v", s)
	}
	v := struct {
		Auth withSecret `mapstructure:"auth"`
	}{withSecret{Token: "hunter2"}}
	out, err := render(s, reflect.ValueOf(v))
	if err != nil || strings.Contains(string(out), "hunter2") || !strings.Contains(string(out), `token = "(redacted)"`) {
		t.Fatalf("render: %v\n%s", err, out)
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	NewLogger(LogConfig{Level: "warn", Format: "json"}, &buf).Info("hidden")
	NewLogger(LogConfig{Level: "warn", Format: "json"}, &buf).Warn("shown", "k", 1)
	out := buf.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, `"@message":"shown"`) {
		t.Errorf("json logger output: %s", out)
	}
	buf.Reset()
	NewLogger(LogConfig{Level: "info", Format: "text"}, &buf).Info("hello", "k", "v")
	if !strings.Contains(buf.String(), "[INFO]  fabnode: hello: k=v") {
		t.Errorf("text logger output: %q", buf.String())
	}
}

// The repository's own config.hcl must always load; skipped when absent.
func TestRepoConfigLoads(t *testing.T) {
	const path = "../../config.hcl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no repo config.hcl")
	}
	if _, err := Load(path, nil); err != nil {
		t.Fatal(err)
	}
}

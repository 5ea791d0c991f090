package sdk

import (
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/abi"
)

// These tests drive the platform-independent dispatcher natively; the
// exports that wire it to wasm are exercised by every plugintest test.

func TestDispatch(t *testing.T) {
	registered = nil
	Register(Plugin{
		Kind: KindPricing, Name: "t/1",
		Init: func(c Config) error {
			if c.String("fail", "") != "" {
				return errUnit
			}
			return nil
		},
		Quote: func(q QuoteRequest) (Quote, error) {
			return Quote{InputNanosPerToken: int64(q.PromptTokens), Currency: "X"}, nil
		},
	})
	defer func() { registered = nil }()

	cfg, _ := abi.Config{"fail": "yes"}.AppendBinary(nil)
	if out := handleInit(cfg); abi.Status(out[0]) != abi.StatusError || string(out[1:]) != errUnit.Error() {
		t.Errorf("init error not reported: %q", out)
	}
	if out := handleInit(nil); abi.Status(out[0]) != abi.StatusError {
		t.Errorf("empty config must fail to decode: %q", out)
	}
	empty, _ := abi.Config{}.AppendBinary(nil)
	if out := handleInit(empty); len(out) != 1 || out[0] != byte(abi.StatusOK) {
		t.Errorf("init: %q", out)
	}

	out := handleCall(abi.HookDescribe, nil)
	var d abi.Description
	if err := d.UnmarshalBinary(out[1:]); err != nil || d.Kind != KindPricing || !d.Hooks.Has(abi.HookQuote) || d.Hooks.Has(abi.HookFormat) || d.Name != "t/1" {
		t.Errorf("describe: %+v %v", d, err)
	}
	if out := handleCall(abi.HookPing, []byte("echo")); string(out[1:]) != "echo" {
		t.Errorf("ping: %q", out)
	}
	req, _ := (&QuoteRequest{PromptTokens: 42}).AppendBinary(nil)
	out = handleCall(abi.HookQuote, req)
	var q Quote
	if err := q.UnmarshalBinary(out[1:]); err != nil || q.InputNanosPerToken != 42 {
		t.Errorf("quote: %+v %v", q, err)
	}
	if out := handleCall(abi.HookQuote, req[:3]); abi.Status(out[0]) != abi.StatusError || !strings.Contains(string(out[1:]), "truncated") {
		t.Errorf("truncated request: %q", out)
	}
	if out := handleCall(abi.HookFormat, nil); abi.Status(out[0]) != abi.StatusUnsupported {
		t.Errorf("unimplemented hook: %q", out)
	}
	if out := handleCall(99, nil); abi.Status(out[0]) != abi.StatusUnsupported {
		t.Errorf("unknown hook: %q", out)
	}
}

type unitErr struct{}

func (unitErr) Error() string { return "unit failure" }

var errUnit = unitErr{}

func TestConfigGetters(t *testing.T) {
	c := Config{"i": "12", "f": "0.5", "d": "3s", "b": "true", "l": " a | b ||c ", "bad": "x"}
	if v, err := c.Int("i", 0); v != 12 || err != nil {
		t.Error(v, err)
	}
	if v, err := c.Float("f", 0); v != 0.5 || err != nil {
		t.Error(v, err)
	}
	if v, err := c.Duration("d", 0); v != 3*time.Second || err != nil {
		t.Error(v, err)
	}
	if v, err := c.Bool("b", false); !v || err != nil {
		t.Error(v, err)
	}
	if v, err := c.Int("missing", 7); v != 7 || err != nil {
		t.Error(v, err)
	}
	if got := c.List("l", "|"); strings.Join(got, ",") != "a,b,c" {
		t.Error(got)
	}
	for _, get := range []func() error{
		func() error { _, err := c.Int("bad", 0); return err },
		func() error { _, err := c.Float("bad", 0); return err },
		func() error { _, err := c.Duration("bad", 0); return err },
		func() error { _, err := c.Bool("bad", false); return err },
	} {
		if err := get(); err == nil || !strings.Contains(err.Error(), `config "bad"`) {
			t.Errorf("want error naming the key, got %v", err)
		}
	}
}

package main

import (
	"context"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func TestQuote(t *testing.T) {
	reg := plugintest.Load(t, ".", "pricing", map[string]string{
		"currency": "EUR", "input_per_mtok": "0.2", "output_per_mtok": "0.6",
		"surge_max": "0.5", "model.big": "4", "valid_for": "10s",
	})
	ctx := context.Background()
	cases := []struct {
		name    string
		req     sdk.QuoteRequest
		in, out int64
	}{
		{"idle", sdk.QuoteRequest{Model: "small", UnixMillis: 1000}, 200, 600},
		{"model multiplier", sdk.QuoteRequest{Model: "big", UnixMillis: 1000}, 800, 2400},
		{"full load surges 50%", sdk.QuoteRequest{Model: "small", Load: sdk.LoadSnapshot{Slots: 4, ActiveRequests: 4, QueueDepth: 3}, UnixMillis: 1000}, 300, 900},
		{"half gpu", sdk.QuoteRequest{Model: "small", Load: sdk.LoadSnapshot{GPUUtil: 0.5}, UnixMillis: 1000}, 250, 750},
		{"cached answer: input only by default", sdk.QuoteRequest{Model: "small", UnixMillis: 1000, Cached: true}, 200, 0},
	}
	for _, c := range cases {
		q, err := reg.Pricing().Quote(ctx, c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if q.InputNanosPerToken != c.in || q.OutputNanosPerToken != c.out || q.Currency != "EUR" || q.ValidUntilUnixMilli != 11000 {
			t.Errorf("%s: got %+v, want in %d out %d EUR valid 11000", c.name, q, c.in, c.out)
		}
	}
}

func TestBadConfigRejectedAtLoad(t *testing.T) {
	rt := plugintest.NewRuntime(t)
	m := plugintest.Manifest(t, "p", "pricing", plugintest.Build(t, "."), map[string]string{"surge_max": "lots"})
	_, err := rt.Load(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), `config "surge_max": "lots" is not a number`) {
		t.Fatalf("want a config error naming surge_max, got %v", err)
	}
}

func TestCachedAnswersCostAFractionOfTheOutput(t *testing.T) {
	reg := plugintest.Load(t, ".", "pricing", map[string]string{"output_per_mtok": "1", "cached_output_fraction": "0.25"})
	q, err := reg.Pricing().Quote(context.Background(), sdk.QuoteRequest{Model: "m", UnixMillis: 1, Cached: true})
	if err != nil || q.OutputNanosPerToken != 250 {
		t.Fatalf("cached quote %+v, %v; want 250 nano-units per output token", q, err)
	}
}

func TestPricesAreBounded(t *testing.T) {
	rt := plugintest.NewRuntime(t)
	for key, v := range map[string]string{"input_per_mtok": "1e20", "output_per_mtok": "1e7", "surge_max": "100", "model.x": "1e9", "cached_output_fraction": "2"} {
		m := plugintest.Manifest(t, "p", "pricing", plugintest.Build(t, "."), map[string]string{key: v})
		if _, err := rt.Load(context.Background(), m); err == nil {
			t.Errorf("%s = %s was accepted", key, v)
		}
	}
}

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func TestBuildsLoadsAndPricesByDemand(t *testing.T) {
	reg := plugintest.Load(t, ".", "pricing", map[string]string{
		"input_per_mtok": "1", "output_per_mtok": "2", "step_per_queued": "0.1", "max_multiplier": "2",
		"peak_hours": "17-22", "peak_premium": "0.5",
	})
	ctx := context.Background()
	morning := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).UnixMilli()
	evening := time.Date(2026, 1, 5, 18, 30, 0, 0, time.UTC).UnixMilli()
	cases := []struct {
		queued  uint32
		at      int64
		in, out int64
	}{
		{0, morning, 1000, 2000},
		{5, morning, 1500, 3000},
		{50, morning, 2000, 4000}, // capped at max_multiplier
		{0, evening, 1500, 3000},
		{50, evening, 2500, 5000},
	}
	for _, c := range cases {
		q, err := reg.Pricing().Quote(ctx, sdk.QuoteRequest{Model: "m", Load: sdk.LoadSnapshot{QueueDepth: c.queued}, UnixMillis: c.at})
		if err != nil {
			t.Fatal(err)
		}
		if q.InputNanosPerToken != c.in || q.OutputNanosPerToken != c.out {
			t.Errorf("queued=%d at %v: got %d/%d, want %d/%d", c.queued, time.UnixMilli(c.at).UTC(), q.InputNanosPerToken, q.OutputNanosPerToken, c.in, c.out)
		}
	}
}

func TestMissingPriceRejected(t *testing.T) {
	m := plugintest.Manifest(t, "demand", "pricing", plugintest.Build(t, "."), map[string]string{"output_per_mtok": "2"})
	if _, err := plugintest.NewRuntime(t).Load(context.Background(), m); err == nil || !strings.Contains(err.Error(), `"input_per_mtok" is required`) {
		t.Fatalf("want error naming input_per_mtok, got %v", err)
	}
}

// Command pricing is the built-in pricing plugin: a per-token base price,
// optional per-model multipliers, and a load surcharge that grows linearly
// with the node's utilisation.
//
// Configuration (all optional):
//
//	currency          "USD"
//	input_per_mtok    price per million input tokens, e.g. "0.20"   (default 0.10)
//	output_per_mtok   price per million output tokens                (default 0.30)
//	surge_max         extra fraction at full load, e.g. "0.5" = +50% (default 0)
//	model.<name>      multiplier for one model, e.g. model.llama-70b = "4"
//	valid_for         quote validity, e.g. "30s"                     (default 30s)
//	cached_output_fraction
//	                  what an answer from the host's response cache costs per
//	                  output token, as a fraction of the output price, e.g.
//	                  "0.1" (default 0: cached answers cost their input only)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o pricing.wasm .
package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/fabnode/fabnode/sdk"
)

type pricing struct {
	currency        string
	input, output   float64 // per million tokens
	surgeMax        float64
	modelMultiplier map[string]float64
	validFor        time.Duration
	cachedOutput    float64 // fraction of the output price a cached answer costs
}

var cfg pricing

const (
	maxPerMTok    = 1e6 // currency units per million tokens
	maxMultiplier = 1e3
	maxSurge      = 10
)

func configure(c sdk.Config) error {
	var err error
	p := pricing{currency: c.String("currency", "USD"), modelMultiplier: map[string]float64{}}
	if p.input, err = c.Float("input_per_mtok", 0.10); err != nil {
		return err
	}
	if p.output, err = c.Float("output_per_mtok", 0.30); err != nil {
		return err
	}
	if p.surgeMax, err = c.Float("surge_max", 0); err != nil {
		return err
	}
	if p.validFor, err = c.Duration("valid_for", 30*time.Second); err != nil {
		return err
	}
	if p.cachedOutput, err = c.Float("cached_output_fraction", 0); err != nil {
		return err
	}
	// Bounds keep every quote far inside int64 nano-units: price × 1000
	// × multiplier × (1 + surge) stays below 2^53, where floats are exact.
	if p.input < 0 || p.output < 0 || p.surgeMax < 0 {
		return fmt.Errorf("prices and surge_max must not be negative")
	}
	if p.input > maxPerMTok || p.output > maxPerMTok || p.surgeMax > maxSurge {
		return fmt.Errorf("prices must be at most %g per million tokens and surge_max at most %g", float64(maxPerMTok), float64(maxSurge))
	}
	if p.cachedOutput < 0 || p.cachedOutput > 1 {
		return fmt.Errorf(`config "cached_output_fraction": %v not in [0,1]`, p.cachedOutput)
	}
	for k := range c {
		if name, ok := strings.CutPrefix(k, "model."); ok {
			m, err := c.Float(k, 1)
			if err != nil {
				return err
			}
			if m < 0 || m > maxMultiplier {
				return fmt.Errorf("config %q: multiplier %v not in [0, %g]", k, m, float64(maxMultiplier))
			}
			p.modelMultiplier[name] = m
		}
	}
	cfg = p
	return nil
}

// utilisation is the busier of the slot occupancy and the GPU utilisation.
func utilisation(l sdk.LoadSnapshot) float64 {
	u := float64(l.GPUUtil)
	if l.Slots > 0 {
		u = max(u, float64(l.ActiveRequests+l.QueueDepth)/float64(l.Slots))
	}
	return min(max(u, 0), 1)
}

func quote(req sdk.QuoteRequest) (sdk.Quote, error) {
	mult := 1.0
	if m, ok := cfg.modelMultiplier[req.Model]; ok {
		mult = m
	}
	mult *= 1 + cfg.surgeMax*utilisation(req.Load)
	// per million tokens -> nano-units per token: x / 1e6 * 1e9 = x * 1000
	nanos := func(perMTok float64) int64 { return int64(math.Round(perMTok * mult * 1000)) }
	output := cfg.output
	if req.Cached {
		// A cached answer costs the engine nothing to produce.
		output *= cfg.cachedOutput
	}
	return sdk.Quote{
		InputNanosPerToken:  nanos(cfg.input),
		OutputNanosPerToken: nanos(output),
		Currency:            cfg.currency,
		ValidUntilUnixMilli: req.UnixMillis + cfg.validFor.Milliseconds(),
	}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "fabnode-pricing/1", Init: configure, Quote: quote})
}

func main() {}

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
}

var cfg pricing

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
	if p.input < 0 || p.output < 0 || p.surgeMax < 0 {
		return fmt.Errorf("prices and surge_max must not be negative")
	}
	for k := range c {
		if name, ok := strings.CutPrefix(k, "model."); ok {
			m, err := c.Float(k, 1)
			if err != nil {
				return err
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
	return sdk.Quote{
		InputNanosPerToken:  nanos(cfg.input),
		OutputNanosPerToken: nanos(cfg.output),
		Currency:            cfg.currency,
		ValidUntilUnixMilli: req.UnixMillis + cfg.validFor.Milliseconds(),
	}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "fabnode-pricing/1", Init: configure, Quote: quote})
}

func main() {}

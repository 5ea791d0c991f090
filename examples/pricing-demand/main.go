// Command pricing-demand is an example third-party pricing plugin, built only
// against the fabnode SDK. It prices by demand: every queued request adds a
// step to the price, and configured peak hours (UTC, taken from the host's
// clock in the request, never the plugin's) add a fixed premium.
//
// Configuration:
//
//	input_per_mtok, output_per_mtok  base prices per million tokens (required)
//	currency                         default "USD"
//	step_per_queued                  fraction added per queued request (default 0.05)
//	max_multiplier                   cap on the demand multiplier (default 3)
//	peak_hours                       UTC hour range "start-end", e.g. "17-22"
//	peak_premium                     fraction added during peak hours (default 0.25)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o pricing-demand.wasm .
package main

import (
	"fmt"
	"math"
	"time"

	"github.com/fabnode/fabnode/sdk"
)

type config struct {
	in, out                float64
	currency               string
	step, maxMult, premium float64
	peakStart, peakEnd     int
	hasPeak                bool
}

var cfg config

func configure(c sdk.Config) error {
	var n config
	var err error
	for _, k := range []string{"input_per_mtok", "output_per_mtok"} {
		if _, ok := c[k]; !ok {
			return fmt.Errorf("config %q is required", k)
		}
	}
	if n.in, err = c.Float("input_per_mtok", 0); err != nil {
		return err
	}
	if n.out, err = c.Float("output_per_mtok", 0); err != nil {
		return err
	}
	if n.step, err = c.Float("step_per_queued", 0.05); err != nil {
		return err
	}
	if n.maxMult, err = c.Float("max_multiplier", 3); err != nil {
		return err
	}
	if n.premium, err = c.Float("peak_premium", 0.25); err != nil {
		return err
	}
	n.currency = c.String("currency", "USD")
	if h := c.String("peak_hours", ""); h != "" {
		if _, err := fmt.Sscanf(h, "%d-%d", &n.peakStart, &n.peakEnd); err != nil || n.peakStart < 0 || n.peakEnd > 24 || n.peakStart >= n.peakEnd {
			return fmt.Errorf(`config "peak_hours": %q is not a UTC hour range like "17-22"`, h)
		}
		n.hasPeak = true
	}
	cfg = n
	return nil
}

func quote(req sdk.QuoteRequest) (sdk.Quote, error) {
	mult := min(1+cfg.step*float64(req.Load.QueueDepth), cfg.maxMult)
	if hour := time.UnixMilli(req.UnixMillis).UTC().Hour(); cfg.hasPeak && hour >= cfg.peakStart && hour < cfg.peakEnd {
		mult += cfg.premium
	}
	nanos := func(perMTok float64) int64 { return int64(math.Round(perMTok * mult * 1000)) }
	return sdk.Quote{
		InputNanosPerToken:  nanos(cfg.in),
		OutputNanosPerToken: nanos(cfg.out),
		Currency:            cfg.currency,
		ValidUntilUnixMilli: req.UnixMillis + 15_000,
	}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "example-pricing-demand/0.1", Init: configure, Quote: quote})
}

func main() {}

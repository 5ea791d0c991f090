package inference

import (
	"context"
	"time"

	"github.com/fabnode/fabnode/host/engine"
)

// record puts a finished request in the metrics and the log: counts and
// timings always, prompt and completion only when the operator asked,
// and redacted first where the safety plugin can.
func (s *Service) record(req *Request, caller Caller, res *Result, e *Error) {
	model := res.Model
	if s.Metrics != nil && model != "" {
		m := s.Metrics
		if res.Finish == engine.FinishCancelled {
			m.Cancelled.WithLabelValues(model).Inc()
		}
		if res.Cache.Hit() {
			m.CacheHits.WithLabelValues(model, res.Cache.String()).Inc()
		}
		m.TokensIn.WithLabelValues(model).Add(float64(res.Usage.PromptTokens))
		m.TokensCached.WithLabelValues(model).Add(float64(res.Usage.CachedTokens))
		m.TokensOut.WithLabelValues(model).Add(float64(res.generated))
		m.ObserveTokens(model, res.Created, res.times)
	}
	args := []any{"id", res.ID, "transport", caller.Transport, "endpoint", req.Endpoint.String(), "model", model,
		"finish", res.Finish, "cache", res.Cache.String(), "prompt_tokens", res.Usage.PromptTokens,
		"cached_tokens", res.Usage.CachedTokens, "completion_tokens", res.Usage.CompletionTokens,
		"duration", time.Since(res.Created).Round(time.Millisecond)}
	if len(res.times) > 0 {
		args = append(args, "ttft", res.times[0].Sub(res.Created).Round(time.Millisecond))
	}
	if res.CostNanos != nil {
		args = append(args, "cost_nanos", *res.CostNanos, "currency", res.Quote.Currency)
	}
	if e != nil {
		args = append(args, "refused", e.Kind.String(), "error", e.Detail())
	}
	if s.LogPrompts && res.prompt != "" {
		// What cannot be redacted is not logged.
		safety := s.plugins().Safety()
		p, _, _ := safety.Redact(context.Background(), []byte(res.prompt))
		c, _, _ := safety.Redact(context.Background(), []byte(res.text))
		args = append(args, "prompt", string(p), "completion", string(c))
	}
	if e != nil && e.Kind != KindCancelled {
		s.log().Info("request refused", args...)
		return
	}
	s.log().Info("request", args...)
}

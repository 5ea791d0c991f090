package inference

import (
	"context"
	"errors"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
)

// QuoteQuery asks what a request would cost, without running one.
type QuoteQuery struct {
	Model        string // "" = the default model
	Client       string
	PromptTokens uint32
	MaxTokens    uint32
}

// Quote prices q with the pricing plugin, at the named model's current
// load. It does not load the model.
func (s *Service) Quote(ctx context.Context, q QuoteQuery) (string, abi.Quote, *Error) {
	name := q.Model
	if name == "" {
		name = s.Models.Default()
	}
	if _, ok := s.Models.Spec(name); !ok {
		return name, abi.Quote{}, newError(KindUnknownModel, nil, "The model `%s` does not exist", truncate(name, maxModelName))
	}
	var load abi.LoadSnapshot
	for _, st := range s.Models.List() {
		if st.Name == name && st.Loaded {
			load = loadSnapshot(st.Stats)
		}
	}
	quote, err := s.plugins().Pricing().Quote(ctx, abi.QuoteRequest{Model: name, Client: q.Client, PromptTokens: q.PromptTokens,
		MaxTokens: q.MaxTokens, Load: load, UnixMillis: time.Now().UnixMilli()})
	if err == nil {
		_, err = Cost(quote, int(q.PromptTokens), int(q.MaxTokens))
	}
	switch {
	case errors.Is(err, plugin.ErrNotConfigured):
		return name, quote, newError(KindPricing, err, "this node has no pricing policy")
	case err != nil:
		return name, quote, newError(KindPricing, err, "the node cannot price this request right now")
	}
	return name, quote, nil
}

package inference

import (
	"errors"
	"math/big"

	"github.com/fabnode/fabnode/abi"
)

// errCostOverflow is a cost that does not fit the nano-units a response
// reports: the quote is refused rather than wrapped.
var errCostOverflow = errors.New("the cost overflows 64-bit nano-units")

// Cost is in × the quote's input price + out × its output price, in its
// nano-units. It is computed exactly (big integers, wide enough for the
// 18-decimal amounts of a chain) and fails instead of wrapping when the
// result does not fit an int64. Token counts and prices are never
// negative here: the pricing facade refuses negative quotes.
func Cost(q abi.Quote, in, out int) (int64, error) {
	if in < 0 || out < 0 || q.InputNanosPerToken < 0 || q.OutputNanosPerToken < 0 {
		return 0, errors.New("negative token count or price")
	}
	var c, t big.Int
	c.Mul(big.NewInt(int64(in)), big.NewInt(q.InputNanosPerToken))
	t.Mul(big.NewInt(int64(out)), big.NewInt(q.OutputNanosPerToken))
	c.Add(&c, &t)
	if !c.IsInt64() {
		return 0, errCostOverflow
	}
	return c.Int64(), nil
}

// cheaper reports whether a costs no more than b per token of either kind,
// in the same currency. nil is the free quote of a node without pricing.
func cheaper(a, b *abi.Quote) bool {
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	}
	return a.Currency == b.Currency && a.InputNanosPerToken <= b.InputNanosPerToken && a.OutputNanosPerToken <= b.OutputNanosPerToken
}

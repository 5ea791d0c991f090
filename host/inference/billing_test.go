package inference

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/fabnode/fabnode/abi"
)

// costReference is the cost in exact arithmetic.
func costReference(q abi.Quote, in, out int) *big.Int {
	c := new(big.Int).Mul(big.NewInt(int64(in)), big.NewInt(q.InputNanosPerToken))
	return c.Add(c, new(big.Int).Mul(big.NewInt(int64(out)), big.NewInt(q.OutputNanosPerToken)))
}

func checkCost(t *testing.T, q abi.Quote, in, out int) {
	t.Helper()
	got, err := Cost(q, in, out)
	want := costReference(q, in, out)
	switch {
	case in < 0 || out < 0 || q.InputNanosPerToken < 0 || q.OutputNanosPerToken < 0:
		if err == nil {
			t.Fatalf("Cost(%+v, %d, %d) = %d for a negative input", q, in, out, got)
		}
	case !want.IsInt64():
		if err == nil {
			t.Fatalf("Cost(%+v, %d, %d) = %d, the exact cost %s does not fit: it wrapped", q, in, out, got, want)
		}
	case err != nil || got != want.Int64():
		t.Fatalf("Cost(%+v, %d, %d) = %d, %v; want %s", q, in, out, got, err, want)
	}
}

// No cost is ever computed with wrapped arithmetic: over random quotes and
// token counts, biased to the edges where products overflow, Cost is
// either the exact result or an error.
func TestCostNeverWraps(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edge := func() int64 {
		switch r.IntN(6) {
		case 0:
			return math.MaxInt64 - r.Int64N(3)
		case 1:
			return r.Int64N(1 << 20)
		case 2:
			return int64(1) << r.IntN(63)
		case 3:
			return -r.Int64N(5)
		}
		return r.Int64()
	}
	count := func() int {
		switch r.IntN(4) {
		case 0:
			return r.IntN(1 << 24)
		case 1:
			return math.MaxInt32 - r.IntN(3)
		}
		return r.IntN(100)
	}
	for range 200_000 {
		checkCost(t, abi.Quote{InputNanosPerToken: edge(), OutputNanosPerToken: edge()}, count(), count())
	}
	// The case from the hostile-plugin suite: 33 tokens at 558992244657865201.
	checkCost(t, abi.Quote{InputNanosPerToken: 558992244657865201}, 33, 0)
	if _, err := Cost(abi.Quote{InputNanosPerToken: 558992244657865201}, 33, 0); err == nil {
		t.Fatal("33 × 558992244657865201 fits an int64?")
	}
}

func FuzzCost(f *testing.F) {
	f.Add(int64(558992244657865201), int64(2), 33, 0)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), 1, 1)
	f.Add(int64(100), int64(300), 1000, 4000)
	f.Fuzz(func(t *testing.T, in, out int64, nin, nout int) {
		checkCost(t, abi.Quote{InputNanosPerToken: in, OutputNanosPerToken: out}, nin, nout)
	})
}

package payments

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
)

// Mode says when the node requires payment.
type Mode uint8

const (
	Off      Mode = iota // no payment step: every request is served
	Optional             // requests with credentials are checked; others are served free
	Required             // every request must carry valid credentials
)

// ParseMode reads "off", "optional" or "required".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(s) {
	case "", "off":
		return Off, nil
	case "optional":
		return Optional, nil
	case "required":
		return Required, nil
	}
	return Off, fmt.Errorf("payments mode %q: want off, optional or required", s)
}

func (m Mode) String() string { return [...]string{"off", "optional", "required"}[m] }

// Sessions is the node's view of the escrow's sessions of this host
// (host/chain's Monitor): a session's terms and state, and the chain head
// the view is at, whose time deadlines are measured against.
type Sessions interface {
	Session(id *big.Int) (chain.Session, bool)
	OpenSessions() []chain.Session
	Head() (number, time uint64)
}

// Token is a payment token the node accepts, and the currency its quotes
// name for it (the pricing plugin quotes nano-units of Currency).
type Token struct {
	Address  common.Address // zero: native ETH
	Currency string
	Decimals uint8
}

// coversQuote reports whether price (token base units per token) is at
// least quoteNanos nano-units of the token's currency per token: price ×
// 10^9 ≥ quoteNanos × 10^decimals, exactly.
func (t Token) coversQuote(price *big.Int, quoteNanos int64) bool {
	lhs := new(big.Int).Mul(price, big.NewInt(1_000_000_000))
	rhs := new(big.Int).Mul(big.NewInt(quoteNanos), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.Decimals)), nil))
	return lhs.Cmp(rhs) >= 0
}

// cost is in × inputPrice + out × outputPrice, in the token's base units.
func cost(s chain.Session, in, out uint64) *big.Int {
	c := new(big.Int).Mul(new(big.Int).SetUint64(in), s.InputPrice)
	return c.Add(c, new(big.Int).Mul(new(big.Int).SetUint64(out), s.OutputPrice))
}

// signer reports whether addr may sign for the session.
func signer(s chain.Session, addr common.Address) bool {
	return addr == s.Depositor || (s.SessionKey != (common.Address{}) && addr == s.SessionKey)
}

package node

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/payments"
	"github.com/fabnode/fabnode/host/service"
)

// ParseTokens reads payments.tokens: "CURRENCY=ADDRESS:DECIMALS" each,
// ADDRESS "native" for the chain's own coin.
func ParseTokens(specs []string) ([]payments.Token, error) {
	var out []payments.Token
	seen := map[string]bool{}
	for _, spec := range specs {
		cur, rest, ok := strings.Cut(spec, "=")
		addr, dec, ok2 := strings.Cut(rest, ":")
		d, err := strconv.ParseUint(dec, 10, 8)
		if !ok || !ok2 || cur == "" || err != nil || d > 36 {
			return nil, fmt.Errorf("payments.tokens: %q is not CURRENCY=ADDRESS:DECIMALS (e.g. \"ETH=native:18\")", spec)
		}
		t := payments.Token{Currency: cur, Decimals: uint8(d)}
		if addr != "native" {
			if !common.IsHexAddress(addr) {
				return nil, fmt.Errorf("payments.tokens: %q: %q is not an address (or \"native\")", spec, addr)
			}
			t.Address = common.HexToAddress(addr)
		}
		if seen[t.Address.Hex()] || seen[cur] {
			return nil, fmt.Errorf("payments.tokens: %q names a token or currency twice", spec)
		}
		seen[t.Address.Hex()], seen[cur] = true, true
		out = append(out, t)
	}
	return out, nil
}

// acceptedCurrencies is payments.currencies with the tokens' currencies.
func acceptedCurrencies(cfg *config.Config) ([]string, error) {
	tokens, err := ParseTokens(cfg.Payments.Tokens)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), cfg.Payments.Currencies...)
	for _, t := range tokens {
		out = append(out, t.Currency)
	}
	return out, nil
}

// openPayments builds the payment step over the chain client, with its
// store and its settler; nil when payments are off.
func (n *Node) openPayments(c *chain.Chain) (*payments.Service, []service.Service, error) {
	cfg := n.Config.Payments
	mode, err := payments.ParseMode(cfg.Mode)
	if err != nil || mode == payments.Off {
		return nil, nil, err
	}
	if c == nil {
		return nil, nil, fmt.Errorf("payments.mode = %q needs a chain: set chain.rpc and the contracts' addresses (fabnode chain deploy)", cfg.Mode)
	}
	tokens, err := ParseTokens(cfg.Tokens)
	if err != nil {
		return nil, nil, err
	}
	if len(tokens) == 0 {
		return nil, nil, fmt.Errorf("payments.mode = %q but payments.tokens is empty: name the tokens sessions may pay in", cfg.Mode)
	}
	store, err := openPaymentsStore(n.Config.Node.DataDir, c, n.Log) // one per chain id and genesis (paymentstore.go)
	if err != nil {
		return nil, nil, err
	}
	svc, err := payments.New(payments.Config{
		Mode: mode, Host: n.Key.Address(), Domain: chain.Domain{ChainID: c.Config.ChainID, Escrow: c.Config.Escrow},
		Tokens: tokens, SettleMargin: cfg.SettleMargin, ReceiptWait: cfg.ReceiptWait, HostOf: sessionHost(c),
	}, c.Monitor, store, n.Log)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	settler := payments.NewSettler(svc, c.Tx, n.Key.PrivateKey(), payments.SettlerConfig{Idle: cfg.SettleIdle, Margin: cfg.SettleMargin})
	every := min(max(min(cfg.SettleIdle, cfg.SettleMargin)/4, time.Second), 5*time.Second)
	n.Log.Info("payments", "mode", mode, "tokens", len(tokens), "escrow", c.Config.Escrow.Hex())
	return svc, []service.Service{
		&service.Func{ServiceName: "payments store", OnStop: func(context.Context) error { return store.Close() }},
		service.Every("settler", every, func(ctx context.Context) {
			if _, err := settler.Settle(ctx); err != nil {
				n.Log.Error("settling sessions", "error", err)
			}
		}),
	}, nil
}

// sessionHost reads a session's host from the escrow (getSession); a
// session that does not exist has a zero depositor.
func sessionHost(c *chain.Chain) func(ctx context.Context, id *big.Int) (common.Address, bool, error) {
	escrow := bindings.NewSessionEscrow()
	return func(ctx context.Context, id *big.Int) (common.Address, bool, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := c.Client.CallContract(ctx, ethereum.CallMsg{To: &c.Config.Escrow, Data: escrow.PackGetSession(id)}, nil)
		if err != nil {
			return common.Address{}, false, err
		}
		s, err := escrow.UnpackGetSession(out)
		if err != nil {
			return common.Address{}, false, err
		}
		return s.Host, s.Depositor != (common.Address{}), nil
	}
}

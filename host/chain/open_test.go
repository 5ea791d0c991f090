package chain_test

import (
	"context"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/service"
)

// Open refuses an endpoint of another chain and a config without an
// escrow; its services start and stop in a service.Group, the transaction
// manager and the monitor working together; a store made on another chain
// with the same id is moved aside rather than reused.
func TestOpenChecksTheChainAndRunsTheServices(t *testing.T) {
	n := newNetEnv(t)
	dir := t.TempDir()
	ctx := context.Background()
	cfg := chain.Config{RPC: n.proxy.URL(), ChainID: big.NewInt(8453), Escrow: n.escrowAddr, Confirmations: 1,
		PollInterval: 10 * time.Millisecond, ReceiptPoll: 5 * time.Millisecond, StartBlock: 1}
	if _, err := chain.Open(ctx, cfg, hostKey, dir, nil); err == nil || !strings.Contains(err.Error(), "serves chain 1337") {
		t.Fatalf("another chain id: %v", err)
	}
	cfg.ChainID = big.NewInt(1337)
	noEscrow := cfg
	noEscrow.Escrow = [20]byte{}
	if _, err := chain.Open(ctx, noEscrow, hostKey, dir, nil); err == nil || !strings.Contains(err.Error(), "chain.escrow") {
		t.Fatalf("no escrow: %v", err)
	}
	c, err := chain.Open(ctx, cfg, hostKey, dir, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	var g service.Group
	if err := g.Start(ctx, c.Services()...); err != nil {
		t.Fatal(err)
	}
	mining(t, n.sim)
	tm := n.terms(addr(hostKey))
	if err := c.Tx.Submit(ctx, "open", n.escrowAddr, escrowABI.PackOpen(tm), tm.Deposit); err != nil {
		t.Fatal(err)
	}
	if s := waitJob(t, c.Tx, "open"); !s.Success {
		t.Fatalf("open %+v", s)
	}
	eventually(t, "the host's own session in the view", 10*time.Second, func() bool { return len(c.Monitor.OpenSessions()) == 1 })
	if err := g.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if path := chain.StorePath(dir, big.NewInt(1337)); c.Store.Path() != path {
		t.Fatalf("store at %s, want %s", c.Store.Path(), path)
	}

	// Another chain with id 1337 (another genesis): the store moves aside.
	_, url2 := newSim(t, func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.ExtraData = []byte("another chain") })
	cfg.RPC = url2
	c2, err := chain.Open(ctx, cfg, hostKey, dir, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	old, _ := filepath.Glob(filepath.Join(dir, "chain-1337.db.*.old"))
	if len(old) != 1 {
		t.Fatalf("the old store was not moved aside: %v", old)
	}
	if p, _ := c2.Tx.Pending(); len(p) != 0 {
		t.Fatalf("the new chain's store has jobs of the old one: %+v", p)
	}
}

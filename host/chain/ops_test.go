package chain_test

import (
	"context"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
)

// Deploy, Register, Earnings and Withdraw, the operator's operations, on a
// fresh chain: the contracts work as deployed, the models and the node are
// in the registries (a second Register updates), and the host's earnings of
// a settled session are withdrawn to the wei.
func TestDeployRegisterAndWithdraw(t *testing.T) {
	n := newNetEnv(t)
	cl := n.dial(t)
	m := startManager(t, cl, openStore(t, ""), hostKey, n.chainID, chain.Config{Confirmations: 1, ReceiptPoll: 5 * time.Millisecond})
	mining(t, n.sim)
	ctx := context.Background()
	d, err := chain.Deploy(ctx, m, "deploy:", chain.DeployParams{Treasury: addr(treasuryKey), FeeBps: 300, DisputeWindow: 600})
	if err != nil {
		t.Fatal(err)
	}
	escrow := escrowABI.Instance(cl, d.Escrow)
	if fee, err := bind.Call(escrow, nil, escrowABI.PackFeeBps(), escrowABI.UnpackFeeBps); err != nil || fee != 300 {
		t.Fatalf("feeBps %v %v", fee, err)
	}
	if mr, err := bind.Call(nodesABI.Instance(cl, d.NodeRegistry), nil, nodesABI.PackModelRegistry(), nodesABI.UnpackModelRegistry); err != nil || mr != d.ModelRegistry {
		t.Fatalf("the NodeRegistry's ModelRegistry is %v (%v), want %v", mr, err, d.ModelRegistry)
	}
	if d.Block == 0 {
		t.Fatal("no deployment block")
	}

	model := chain.Model{ID: sha256.Sum256([]byte("gguf")), Name: "tiny", MinInputPrice: big.NewInt(7), MinOutputPrice: big.NewInt(9)}
	reg := chain.Registration{APIURL: "https://node.example", Models: []chain.Model{model}, Tokens: []common.Address{{}}}
	res, err := chain.Register(ctx, cl, m, d.ModelRegistry, d.NodeRegistry, "reg1:", reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NewModels) != 1 || res.Updated {
		t.Fatalf("first registration %+v", res)
	}
	reg.APIURL = "https://node2.example"
	if res, err = chain.Register(ctx, cl, m, d.ModelRegistry, d.NodeRegistry, "reg2:", reg); err != nil || len(res.NewModels) != 0 || !res.Updated {
		t.Fatalf("second registration %+v %v", res, err)
	}
	nodes := nodesABI.Instance(cl, d.NodeRegistry)
	got, err := bind.Call(nodes, nil, nodesABI.PackGetHost(addr(hostKey)), nodesABI.UnpackGetHost)
	if err != nil || got.Info.ApiUrl != "https://node2.example" || len(got.Info.Models) != 1 ||
		got.Info.Models[0].MinOutputPrice.Int64() != 9 || len(got.Info.PaymentTokens) != 1 {
		t.Fatalf("host entry %+v %v", got, err)
	}

	// A client pays a session; the host settles it, then withdraws.
	n.escrowAddr, n.escrow, n.dom = d.Escrow, escrow, chain.Domain{ChainID: n.chainID, Escrow: d.Escrow}
	tm := n.terms(addr(hostKey))
	r := n.sendMined(clientKey, escrow, escrowABI.PackOpen(tm), tm.Deposit)
	ev, err := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	id := ev.SessionId
	rc, sig := n.signedReceipt(clientKey, id, 1000, 2000, common.Hash{1})
	if _, err := chain.Withdraw(ctx, m, d.Escrow, common.Address{}, common.Address{}, "w0"); err == nil ||
		!strings.Contains(err.Error(), "NothingToWithdraw") {
		t.Fatalf("withdrawing nothing: %v", err)
	}
	settle := chain.NewSettlement(rc, sig, nil, nil)
	if err := m.Submit(ctx, "settle", d.Escrow, escrowABI.PackSettle(settle), nil); err != nil {
		t.Fatal(err)
	}
	if s := waitJob(t, m, "settle"); !s.Success {
		t.Fatalf("settle %+v", s)
	}
	want := chain.SplitPayment(tm.Deposit, tm.InputPrice, tm.OutputPrice, 1000, 2000, 300).HostAmount
	bal, err := chain.Earnings(ctx, cl, d.Escrow, addr(hostKey), common.Address{})
	if err != nil || bal.Cmp(want) != 0 {
		t.Fatalf("earnings %v (%v), want %v", bal, err, want)
	}
	before := n.ethBalance(addr(otherKey))
	s, err := chain.Withdraw(ctx, m, d.Escrow, common.Address{}, addr(otherKey), "w1")
	if err != nil {
		t.Fatal(err)
	}
	if got := new(big.Int).Sub(n.ethBalance(addr(otherKey)), before); got.Cmp(want) != 0 {
		t.Fatalf("withdrawn %v to the other address, want %v (tx %s)", got, want, s.TxHash)
	}
	if bal, _ := chain.Earnings(ctx, cl, d.Escrow, addr(hostKey), common.Address{}); bal.Sign() != 0 {
		t.Fatalf("earnings after withdrawal %v", bal)
	}
	if sym, dec, err := chain.TokenInfo(ctx, cl, n.tokenAddr); err != nil || sym == "" || dec == 0 {
		t.Fatalf("token info %q %d %v", sym, dec, err)
	}
}

// The config presets and checks.
func TestNetworksAndAddresses(t *testing.T) {
	for _, c := range []struct {
		network string
		id      int64
		want    int64
		err     string
	}{
		{"", 0, 1337, ""}, {"local", 0, 1337, ""}, {"base-sepolia", 0, 84532, ""}, {"base", 8453, 8453, ""},
		{"base", 1, 0, "is chain 8453"}, {"custom", 0, 0, "needs chain.chain_id"}, {"custom", 5, 5, ""},
	} {
		id, err := chain.ResolveChainID(c.network, c.id)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q/%d: %v, want %q", c.network, c.id, err, c.err)
			}
			continue
		}
		if err != nil || id.Int64() != c.want {
			t.Errorf("%q/%d: %v %v, want %d", c.network, c.id, id, err, c.want)
		}
	}
	good := addr(hostKey).Hex()
	if a, err := chain.ParseAddress("chain.escrow", good); err != nil || a != addr(hostKey) {
		t.Errorf("checksummed: %v %v", a, err)
	}
	if _, err := chain.ParseAddress("chain.escrow", strings.ToLower(good)); err != nil {
		t.Errorf("lower case: %v", err)
	}
	if _, err := chain.ParseAddress("chain.escrow", swapCase(good)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("bad checksum: %v", err)
	}
	if _, err := chain.ParseAddress("chain.escrow", "0x1234"); err == nil {
		t.Error("short address accepted")
	}
	if err := chain.CheckRPC("ftp://x"); err == nil {
		t.Error("ftp accepted")
	}
	if got := chain.RedactRPC("https://base-mainnet.g.alchemy.com/v2/SECRETKEY"); strings.Contains(got, "SECRET") {
		t.Errorf("redacted %q", got)
	}
}

// swapCase flips the case of every letter of a checksummed address, which
// breaks its checksum.
func swapCase(s string) string {
	b := []byte(s)
	for i := 2; i < len(b); i++ {
		switch c := b[i]; {
		case 'a' <= c && c <= 'f':
			b[i] = c - 32
		case 'A' <= c && c <= 'F':
			b[i] = c + 32
		}
	}
	return string(b)
}

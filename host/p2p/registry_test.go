package p2p_test

import (
	"context"
	"crypto/ecdsa"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// A node with no bootstrap peer and no mDNS joins through the chain's
// NodeRegistry: it dials the hosts registered there and finds their
// models in the DHT. An entry whose peer id is not the registering
// account's key is not dialled.
func TestDiscoveryThroughTheNodeRegistry(t *testing.T) {
	dc, err := devchain.Start(devchain.Options{Period: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	onChain := func(cfg *config.Config) {
		cfg.Chain = config.ChainConfig{Network: "local", RPC: dc.URL, ChainID: dc.ChainID.Int64(), Escrow: dc.Escrow.Hex(),
			NodeRegistry: dc.NodeRegistry.Hex(), ModelRegistry: dc.ModelRegistry.Hex(), Confirmations: 1,
			PollInterval: 50 * time.Millisecond}
	}
	rpc, err := ethclient.Dial(dc.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	send := func(key *ecdsa.PrivateKey, to common.Address, data []byte) {
		t.Helper()
		tx, err := bind.Transact(bind.NewBoundContract(to, bindings.NewNodeRegistry().GetABI(), rpc, rpc, rpc),
			bind.NewKeyedTransactor(key, dc.ChainID), data)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := bind.WaitMined(ctx, rpc, tx.Hash()); err != nil || r.Status != 1 {
			t.Fatalf("transaction %s: %v %v", tx.Hash(), r, err)
		}
	}
	nodes, models := bindings.NewNodeRegistry(), bindings.NewModelRegistry()
	modelID, _ := wire.ParseSHA256(sha(t, "a"))
	entry := func(h *host) bindings.NodeRegistryHostInfo {
		info := bindings.NodeRegistryHostInfo{ApiUrl: h.url, PeerId: []byte(h.n.P2P.ID()),
			Models:        []bindings.NodeRegistryModelPrice{{ModelId: modelID, MinInputPrice: common.Big0, MinOutputPrice: common.Big0}},
			PaymentTokens: []common.Address{{}}}
		for _, a := range h.n.P2P.Net().Host.Addrs() {
			info.Multiaddrs = append(info.Multiaddrs, a.String())
		}
		return info
	}

	// h1 registers itself; a stranger registers h3's peer id as its own.
	h1 := startHost(t, "a", onChain)
	h3 := startHost(t, "a", nil)
	key1 := h1.n.Key.PrivateKey()
	if err := dc.Transfer(ctx, h1.n.Key.Address(), devchain.Ether); err != nil {
		t.Fatal(err)
	}
	send(key1, dc.ModelRegistry, models.PackRegister(modelID, "tiny"))
	send(key1, dc.NodeRegistry, nodes.PackRegister(entry(h1)))
	send(devchain.Client, dc.NodeRegistry, nodes.PackRegister(entry(h3)))

	h2 := startHost(t, "b", onChain) // no bootstrap, no mDNS
	connected := func(a, b *host) bool {
		return a.n.P2P.Net().Host.Network().Connectedness(b.n.P2P.ID()) == network.Connected
	}
	waitFor(t, "h2 to dial h1 from the registry", 20*time.Second, func() bool { return connected(h2, h1) })
	time.Sleep(time.Second) // the registry's hosts are dialled together
	if connected(h2, h3) {
		t.Fatal("h2 dialled a peer id registered by an account it does not speak for")
	}
	// Through h2 alone, a client finds h1's model in the DHT.
	c := newClient(t, h2)
	var cands []client.Candidate
	waitFor(t, "the model found through h2", 20*time.Second, func() bool {
		cands, err = c.Discover(ctx, sha(t, "a"), client.DiscoverOptions{Want: 1, Wait: 2 * time.Second})
		return err == nil && len(cands) > 0
	})
	if cands[0].Peer != h1.n.P2P.ID() || cands[0].Address != h1.n.Key.Address() {
		t.Fatalf("found %s (%s), want h1 %s", cands[0].Peer, cands[0].Address.Hex(), h1.n.P2P.ID())
	}
}

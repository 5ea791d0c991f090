package chain_test

import (
	"crypto/sha256"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

func modelID(name string) [32]byte { return sha256.Sum256([]byte("gguf bytes of " + name)) }

func TestModelRegistry(t *testing.T) {
	e := newEnv(t)
	unpack := modelsABI.UnpackError
	id := modelID("a")
	r := e.must(hostKey, e.models, modelsABI.PackRegister(id, "fabnode-small Q4_K_M"), nil)
	ev, err := modelsABI.UnpackModelRegisteredEvent(r.Logs[0])
	if err != nil || ev.ModelId != id || ev.Registrant != addr(hostKey) || ev.Name != "fabnode-small Q4_K_M" {
		t.Fatalf("ModelRegistered %+v %v", ev, err)
	}
	ok, _ := bind.Call(e.models, nil, modelsABI.PackExists(id), modelsABI.UnpackExists)
	no, _ := bind.Call(e.models, nil, modelsABI.PackExists(modelID("b")), modelsABI.UnpackExists)
	if !ok || no {
		t.Fatalf("exists: %v %v", ok, no)
	}
	m, err := bind.Call(e.models, nil, modelsABI.PackGetModel(id), modelsABI.UnpackGetModel)
	if err != nil || m.Registrant != addr(hostKey) || m.Name != "fabnode-small Q4_K_M" || m.RegisteredAt != e.now() {
		t.Fatalf("getModel %+v %v", m, err)
	}

	_, err = e.send(otherKey, e.models, modelsABI.PackRegister(id, "squat"), nil)
	if got := wantErr[bindings.ModelRegistryModelAlreadyRegistered](t, err, unpack); got.ModelId != id {
		t.Fatalf("ModelAlreadyRegistered %+v", got)
	}
	_, err = e.send(otherKey, e.models, modelsABI.PackRegister([32]byte{}, "zero"), nil)
	wantErr[bindings.ModelRegistryZeroModelId](t, err, unpack)
	_, err = e.send(otherKey, e.models, modelsABI.PackRegister(modelID("c"), ""), nil)
	wantErr[bindings.ModelRegistryInvalidName](t, err, unpack)
	_, err = e.send(otherKey, e.models, modelsABI.PackRegister(modelID("c"), strings.Repeat("n", 129)), nil)
	if got := wantErr[bindings.ModelRegistryInvalidName](t, err, unpack); got.Length.Cmp(bi(129)) != 0 {
		t.Fatalf("InvalidName %+v", got)
	}
	e.must(otherKey, e.models, modelsABI.PackRegister(modelID("c"), strings.Repeat("n", 128)), nil)
}

func (e *env) hostInfo(models ...[32]byte) bindings.NodeRegistryHostInfo {
	info := bindings.NodeRegistryHostInfo{
		ApiUrl:        "https://node.example:8080",
		PeerId:        common.FromHex("0x0025080212210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
		Multiaddrs:    []string{"/ip4/203.0.113.7/tcp/4001", "/ip4/203.0.113.7/udp/4001/quic-v1"},
		PaymentTokens: []common.Address{{}, e.tokenAddr},
	}
	for i, m := range models {
		info.Models = append(info.Models, bindings.NodeRegistryModelPrice{ModelId: m, MinInputPrice: bi(int64(100 + i)), MinOutputPrice: bi(int64(400 + i))})
	}
	return info
}

func TestNodeRegistry(t *testing.T) {
	e := newEnv(t)
	ma, mb := modelID("a"), modelID("b")
	e.must(deployerKey, e.models, modelsABI.PackRegister(ma, "a"), nil)
	e.must(deployerKey, e.models, modelsABI.PackRegister(mb, "b"), nil)
	info := e.hostInfo(ma, mb)
	r := e.must(hostKey, e.nodes, nodesABI.PackRegister(info), nil)
	ev, err := nodesABI.UnpackHostRegisteredEvent(r.Logs[0])
	if err != nil || ev.Host != addr(hostKey) || !reflect.DeepEqual(ev.Info, info) {
		t.Fatalf("HostRegistered %+v %v", ev, err)
	}
	reg, _ := bind.Call(e.nodes, nil, nodesABI.PackIsRegistered(addr(hostKey)), nodesABI.UnpackIsRegistered)
	if !reg {
		t.Fatal("not registered")
	}
	got, err := bind.Call(e.nodes, nil, nodesABI.PackGetHost(addr(hostKey)), nodesABI.UnpackGetHost)
	if err != nil || !reflect.DeepEqual(got.Info, info) || got.RegisteredAt != e.now() {
		t.Fatalf("getHost %+v %v", got, err)
	}
	p, _ := bind.Call(e.nodes, nil, nodesABI.PackModelPrice(addr(hostKey), mb), nodesABI.UnpackModelPrice)
	if !p.Served || p.MinInputPrice.Cmp(bi(101)) != 0 || p.MinOutputPrice.Cmp(bi(401)) != 0 {
		t.Fatalf("modelPrice %+v", p)
	}
	p, _ = bind.Call(e.nodes, nil, nodesABI.PackModelPrice(addr(hostKey), modelID("z")), nodesABI.UnpackModelPrice)
	if p.Served {
		t.Fatal("serves an unlisted model")
	}
	for tok, want := range map[common.Address]bool{{}: true, e.tokenAddr: true, e.badAddr: false} {
		if ok, _ := bind.Call(e.nodes, nil, nodesABI.PackAcceptsToken(addr(hostKey), tok), nodesABI.UnpackAcceptsToken); ok != want {
			t.Fatalf("acceptsToken(%v) = %v", tok, ok)
		}
	}

	// update replaces every list.
	upd := e.hostInfo(mb)
	upd.ApiUrl = ""
	upd.Multiaddrs = []string{}
	upd.PaymentTokens = []common.Address{e.badAddr}
	r = e.must(hostKey, e.nodes, nodesABI.PackUpdate(upd), nil)
	if ev, err := nodesABI.UnpackHostUpdatedEvent(r.Logs[0]); err != nil || !reflect.DeepEqual(ev.Info, upd) {
		t.Fatalf("HostUpdated %+v %v", ev, err)
	}
	got, _ = bind.Call(e.nodes, nil, nodesABI.PackGetHost(addr(hostKey)), nodesABI.UnpackGetHost)
	if got.Info.ApiUrl != "" || len(got.Info.Multiaddrs) != 0 || len(got.Info.Models) != 1 || got.Info.Models[0].ModelId != mb ||
		len(got.Info.PaymentTokens) != 1 || got.Info.PaymentTokens[0] != e.badAddr {
		t.Fatalf("after update %+v", got.Info)
	}
	if p, _ := bind.Call(e.nodes, nil, nodesABI.PackModelPrice(addr(hostKey), ma), nodesABI.UnpackModelPrice); p.Served {
		t.Fatal("update kept a removed model")
	}

	r = e.must(hostKey, e.nodes, nodesABI.PackUnregister(), nil)
	if ev, err := nodesABI.UnpackHostUnregisteredEvent(r.Logs[0]); err != nil || ev.Host != addr(hostKey) {
		t.Fatalf("HostUnregistered %+v %v", ev, err)
	}
	got, _ = bind.Call(e.nodes, nil, nodesABI.PackGetHost(addr(hostKey)), nodesABI.UnpackGetHost)
	if got.RegisteredAt != 0 || got.Info.PeerId != nil && len(got.Info.PeerId) != 0 || len(got.Info.Models) != 0 {
		t.Fatalf("after unregister %+v", got)
	}
	// And may register again.
	e.must(hostKey, e.nodes, nodesABI.PackRegister(info), nil)
}

func TestNodeRegistryReverts(t *testing.T) {
	e := newEnv(t)
	unpack := nodesABI.UnpackError
	ma := modelID("a")
	e.must(deployerKey, e.models, modelsABI.PackRegister(ma, "a"), nil)
	try := func(info bindings.NodeRegistryHostInfo) error {
		_, err := e.send(hostKey, e.nodes, nodesABI.PackRegister(info), nil)
		return err
	}

	_, err := e.send(hostKey, e.nodes, nodesABI.PackUpdate(e.hostInfo(ma)), nil)
	wantErr[bindings.NodeRegistryNotRegistered](t, err, unpack)
	_, err = e.send(hostKey, e.nodes, nodesABI.PackUnregister(), nil)
	wantErr[bindings.NodeRegistryNotRegistered](t, err, unpack)

	i := e.hostInfo(ma)
	i.ApiUrl, i.PeerId = "", nil
	wantErr[bindings.NodeRegistryNoEndpoint](t, try(i), unpack)
	i = e.hostInfo(ma)
	i.ApiUrl = "https://" + strings.Repeat("x", 249)
	wantErr[bindings.NodeRegistryUrlTooLong](t, try(i), unpack)
	i = e.hostInfo(ma)
	i.PeerId = make([]byte, 129)
	wantErr[bindings.NodeRegistryPeerIdTooLong](t, try(i), unpack)
	i = e.hostInfo(ma)
	i.Multiaddrs = make([]string, 9)
	for k := range i.Multiaddrs {
		i.Multiaddrs[k] = "/ip4/127.0.0.1/tcp/1"
	}
	wantErr[bindings.NodeRegistryTooManyMultiaddrs](t, try(i), unpack)
	i = e.hostInfo(ma)
	i.Multiaddrs = []string{"/ip4/127.0.0.1/tcp/1", ""}
	if got := wantErr[bindings.NodeRegistryInvalidMultiaddr](t, try(i), unpack); got.Index.Cmp(bi(1)) != 0 {
		t.Fatalf("InvalidMultiaddr %+v", got)
	}
	i.Multiaddrs = []string{strings.Repeat("/", 257)}
	wantErr[bindings.NodeRegistryInvalidMultiaddr](t, try(i), unpack)
	wantErr[bindings.NodeRegistryNoModels](t, try(e.hostInfo()), unpack)
	many := make([][32]byte, 33)
	for k := range many {
		many[k] = ma
	}
	wantErr[bindings.NodeRegistryTooManyModels](t, try(e.hostInfo(many...)), unpack)
	if got := wantErr[bindings.NodeRegistryUnknownModel](t, try(e.hostInfo(ma, modelID("nope"))), unpack); got.ModelId != modelID("nope") {
		t.Fatalf("UnknownModel %+v", got)
	}
	wantErr[bindings.NodeRegistryDuplicateModel](t, try(e.hostInfo(ma, ma)), unpack)
	i = e.hostInfo(ma)
	i.PaymentTokens = nil
	wantErr[bindings.NodeRegistryNoPaymentTokens](t, try(i), unpack)
	i.PaymentTokens = make([]common.Address, 9)
	for k := range i.PaymentTokens {
		i.PaymentTokens[k] = common.BigToAddress(big.NewInt(int64(k + 1)))
	}
	wantErr[bindings.NodeRegistryTooManyPaymentTokens](t, try(i), unpack)
	i.PaymentTokens = []common.Address{e.tokenAddr, {}, e.tokenAddr}
	if got := wantErr[bindings.NodeRegistryDuplicatePaymentToken](t, try(i), unpack); got.Token != e.tokenAddr {
		t.Fatalf("DuplicatePaymentToken %+v", got)
	}

	// The bounds themselves are allowed.
	i = e.hostInfo(ma)
	i.ApiUrl = "https://" + strings.Repeat("x", 248)
	i.PeerId = make([]byte, 128)
	i.Multiaddrs = make([]string, 8)
	for k := range i.Multiaddrs {
		i.Multiaddrs[k] = strings.Repeat("/", 256)
	}
	i.PaymentTokens = make([]common.Address, 8)
	for k := range i.PaymentTokens {
		i.PaymentTokens[k] = common.BigToAddress(big.NewInt(int64(k)))
	}
	if err := try(i); err != nil {
		t.Fatalf("at the bounds: %v%s", err, e.describe(err))
	}
	_, err = e.send(hostKey, e.nodes, nodesABI.PackRegister(e.hostInfo(ma)), nil)
	wantErr[bindings.NodeRegistryAlreadyRegistered](t, err, unpack)
	// update validates like register.
	_, err = e.send(hostKey, e.nodes, nodesABI.PackUpdate(e.hostInfo()), nil)
	wantErr[bindings.NodeRegistryNoModels](t, err, unpack)
}

func TestNodeRegistryStake(t *testing.T) {
	e := newEnv(t)
	unpack := nodesABI.UnpackError
	amount := new(big.Int).Mul(bi(100), eth)
	e.must(hostKey, e.token, tokenABI.PackMint(addr(hostKey), amount), nil)
	e.must(hostKey, e.token, tokenABI.PackApprove(e.nodesAddr, amount), nil)

	_, err := e.send(hostKey, e.nodes, nodesABI.PackStake(bi(0)), nil)
	wantErr[bindings.NodeRegistryZeroAmount](t, err, unpack)
	r := e.must(hostKey, e.nodes, nodesABI.PackStake(bi(60)), nil)
	r = e.must(hostKey, e.nodes, nodesABI.PackStake(bi(40)), nil)
	var st *bindings.NodeRegistryStaked
	for _, l := range r.Logs {
		if ev, err := nodesABI.UnpackStakedEvent(l); err == nil {
			st = ev
		}
	}
	if st == nil || st.Amount.Cmp(bi(40)) != 0 || st.TotalStaked.Cmp(bi(100)) != 0 {
		t.Fatalf("Staked %+v", st)
	}
	eqBig(t, "registry holds the stake", e.tokenBalance(e.tokenAddr, e.nodesAddr), bi(100))

	_, err = e.send(hostKey, e.nodes, nodesABI.PackWithdrawStake(), nil)
	wantErr[bindings.NodeRegistryNothingUnbonding](t, err, unpack)
	_, err = e.send(hostKey, e.nodes, nodesABI.PackUnbond(bi(0)), nil)
	wantErr[bindings.NodeRegistryZeroAmount](t, err, unpack)
	_, err = e.send(hostKey, e.nodes, nodesABI.PackUnbond(bi(101)), nil)
	if got := wantErr[bindings.NodeRegistryInsufficientStake](t, err, unpack); got.Staked.Cmp(bi(100)) != 0 || got.Requested.Cmp(bi(101)) != 0 {
		t.Fatalf("InsufficientStake %+v", got)
	}
	r = e.must(hostKey, e.nodes, nodesABI.PackUnbond(bi(30)), nil)
	ub, err := nodesABI.UnpackUnbondingStartedEvent(r.Logs[0])
	delay := uint64(7 * 24 * 3600)
	if err != nil || ub.Amount.Cmp(bi(30)) != 0 || ub.TotalUnbonding.Cmp(bi(30)) != 0 || ub.ReadyAt != e.now()+delay {
		t.Fatalf("UnbondingStarted %+v %v", ub, err)
	}
	_, err = e.send(hostKey, e.nodes, nodesABI.PackWithdrawStake(), nil)
	if got := wantErr[bindings.NodeRegistryStakeStillUnbonding](t, err, unpack); got.ReadyAt != ub.ReadyAt {
		t.Fatalf("StakeStillUnbonding %+v", got)
	}
	e.advance(delay / 2)
	e.must(hostKey, e.nodes, nodesABI.PackUnbond(bi(20)), nil) // restarts the delay for all 50
	s, _ := bind.Call(e.nodes, nil, nodesABI.PackStakeOf(addr(hostKey)), nodesABI.UnpackStakeOf)
	if s.Staked.Cmp(bi(50)) != 0 || s.Unbonding.Cmp(bi(50)) != 0 || s.UnbondingReadyAt != e.now()+delay {
		t.Fatalf("stakeOf %+v", s)
	}
	e.advance(delay / 2)
	_, err = e.send(hostKey, e.nodes, nodesABI.PackWithdrawStake(), nil)
	wantErr[bindings.NodeRegistryStakeStillUnbonding](t, err, unpack)
	e.advance(delay / 2)
	before := e.tokenBalance(e.tokenAddr, addr(hostKey))
	r = e.must(hostKey, e.nodes, nodesABI.PackWithdrawStake(), nil)
	if ev, err := nodesABI.UnpackStakeWithdrawnEvent(r.Logs[0]); err != nil || ev.Amount.Cmp(bi(50)) != 0 {
		t.Fatalf("StakeWithdrawn %+v %v", ev, err)
	}
	eqBig(t, "stake back", e.tokenBalance(e.tokenAddr, addr(hostKey)), new(big.Int).Add(before, bi(50)))
	_, err = e.send(hostKey, e.nodes, nodesABI.PackWithdrawStake(), nil)
	wantErr[bindings.NodeRegistryNothingUnbonding](t, err, unpack)

	// A stake beyond uint128 is refused.
	huge := new(big.Int).Lsh(bi(1), 128)
	e.must(hostKey, e.token, tokenABI.PackMint(addr(hostKey), huge), nil)
	e.must(hostKey, e.token, tokenABI.PackApprove(e.nodesAddr, huge), nil)
	_, err = e.send(hostKey, e.nodes, nodesABI.PackStake(huge), nil)
	if got := wantErr[bindings.NodeRegistrySafeCastOverflowedUintDowncast](t, err, unpack); got.Bits != 128 {
		t.Fatalf("SafeCastOverflowedUintDowncast %+v", got)
	}

	// A fee-on-transfer stake token is refused.
	feeReg := e.deploy(deployerKey, bindings.NodeRegistryMetaData.Bin, nodesABI.PackConstructor(e.modelsAddr, e.badAddr, 60))
	e.must(deployerKey, e.bad, badABI.PackSetFee(bi(10)), nil)
	e.must(hostKey, e.bad, badABI.PackMint(addr(hostKey), bi(10_000)), nil)
	e.must(hostKey, e.bad, badABI.PackApprove(feeReg, bi(10_000)), nil)
	_, err = e.send(hostKey, nodesABI.Instance(e.cl, feeReg), nodesABI.PackStake(bi(10_000)), nil)
	if got := wantErr[bindings.NodeRegistryStakeNotReceived](t, err, unpack); got.Received.Cmp(bi(9_990)) != 0 {
		t.Fatalf("StakeNotReceived %+v", got)
	}

	// Staking disabled at deploy.
	noStake := e.deploy(deployerKey, bindings.NodeRegistryMetaData.Bin, nodesABI.PackConstructor(e.modelsAddr, common.Address{}, 60))
	_, err = e.send(hostKey, nodesABI.Instance(e.cl, noStake), nodesABI.PackStake(bi(1)), nil)
	wantErr[bindings.NodeRegistryStakingDisabled](t, err, unpack)
	for _, c := range []struct {
		reg  common.Address
		want common.Address
	}{{e.nodesAddr, e.tokenAddr}, {noStake, common.Address{}}} {
		got, _ := bind.Call(nodesABI.Instance(e.cl, c.reg), nil, nodesABI.PackStakeToken(), nodesABI.UnpackStakeToken)
		if got != c.want {
			t.Fatalf("stakeToken %v, want %v", got, c.want)
		}
	}
	d, _ := bind.Call(e.nodes, nil, nodesABI.PackUnbondingDelay(), nodesABI.UnpackUnbondingDelay)
	m, _ := bind.Call(e.nodes, nil, nodesABI.PackModelRegistry(), nodesABI.UnpackModelRegistry)
	if d != delay || m != e.modelsAddr {
		t.Fatalf("unbondingDelay %d modelRegistry %v", d, m)
	}
}

// The directory lists what the registry holds at the head, learning the
// hosts from its events across log-range chunks and scanning only new
// blocks on later calls.
func TestHostDirectory(t *testing.T) {
	e := newEnv(t)
	ma := modelID("a")
	e.must(deployerKey, e.models, modelsABI.PackRegister(ma, "a"), nil)
	from, _ := e.cl.BlockNumber(e.ctx)
	dir := chain.NewHostDirectory(e.cl, e.nodesAddr, from, 2) // two blocks of logs per query
	if hs, err := dir.Hosts(e.ctx); err != nil || len(hs) != 0 {
		t.Fatalf("an empty registry lists %v (%v)", hs, err)
	}
	info := e.hostInfo(ma)
	e.must(hostKey, e.nodes, nodesABI.PackRegister(info), nil)
	e.must(host2Key, e.nodes, nodesABI.PackRegister(e.hostInfo(ma)), nil)
	for range 5 {
		e.sim.Commit() // the events lie several chunks back
	}
	hs, err := dir.Hosts(e.ctx)
	if err != nil || len(hs) != 2 {
		t.Fatalf("hosts %+v (%v)", hs, err)
	}
	for _, h := range hs {
		if h.Address != addr(hostKey) && h.Address != addr(host2Key) {
			t.Fatalf("a host nobody registered: %s", h.Address.Hex())
		}
		if h.Address == addr(hostKey) && !reflect.DeepEqual(h.Info, info) {
			t.Fatalf("entry %+v, registered %+v", h.Info, info)
		}
	}
	// An update shows; an unregistered host goes.
	upd := e.hostInfo(ma)
	upd.Multiaddrs = []string{"/ip4/198.51.100.1/tcp/4001"}
	e.must(hostKey, e.nodes, nodesABI.PackUpdate(upd), nil)
	e.must(host2Key, e.nodes, nodesABI.PackUnregister(), nil)
	hs, err = dir.Hosts(e.ctx)
	if err != nil || len(hs) != 1 || hs[0].Address != addr(hostKey) || !reflect.DeepEqual(hs[0].Info.Multiaddrs, upd.Multiaddrs) {
		t.Fatalf("after an update and an unregister: %+v (%v)", hs, err)
	}
}

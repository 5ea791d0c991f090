package chain_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

var (
	escrowABI = bindings.NewSessionEscrow()
	tokenABI  = bindings.NewTestToken()
	badABI    = bindings.NewBadToken()
	walletABI = bindings.NewTestWallet()
	modelsABI = bindings.NewModelRegistry()
	nodesABI  = bindings.NewNodeRegistry()

	eth  = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	gwei = big.NewInt(1_000_000_000)
)

const (
	testFeeBps        = 250 // 2.5%
	testDisputeWindow = 3600
)

// key derives a deterministic test key from a name.
func key(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("fabnode test key " + name)))
	if err != nil {
		panic(err)
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// The actors of every test.
var (
	deployerKey = key("deployer")
	treasuryKey = key("treasury")
	hostKey     = key("host")
	host2Key    = key("host2")
	clientKey   = key("client")
	client2Key  = key("client2")
	sessKey     = key("session key")
	otherKey    = key("other")
)

// manyClients are extra funded depositors (gas measurements use distinct ones).
var manyClients = func() []*ecdsa.PrivateKey {
	ks := make([]*ecdsa.PrivateKey, 12)
	for i := range ks {
		ks[i] = key(fmt.Sprintf("client-%d", i))
	}
	return ks
}()

// env is a simulated chain with the contracts deployed. Its clock is moved
// far ahead of the wall clock at start, so every block is exactly one second
// after its parent unless a test moves time on with advance.
type env struct {
	t       testing.TB
	sim     *simulated.Backend
	cl      simulated.Client
	chainID *big.Int
	ctx     context.Context

	escrowAddr, tokenAddr, badAddr, modelsAddr, nodesAddr common.Address
	escrow, token, bad, models, nodes                     *bind.BoundContract
	dom                                                   chain.Domain
}

// osaka runs the simulated chain on the forks live on Ethereum and Base
// (through Osaka). The simulated backend's default config also enables draft
// forks (Amsterdam, Bogota) whose state-gas repricing (EIP-8037/8038) would
// make every gas figure here meaningless for a real chain.
func osaka(_ *node.Config, ec *ethconfig.Config) {
	cfg := *params.AllDevChainProtocolChanges
	cfg.AmsterdamTime = nil
	cfg.BogotaTime = nil
	ec.Genesis.Config = &cfg
}

func newEnv(t testing.TB) *env {
	t.Helper()
	alloc := types.GenesisAlloc{}
	fund := new(big.Int).Mul(big.NewInt(1_000_000), eth)
	for _, k := range append([]*ecdsa.PrivateKey{deployerKey, treasuryKey, hostKey, host2Key, clientKey, client2Key, sessKey, otherKey}, manyClients...) {
		alloc[addr(k)] = types.Account{Balance: fund}
	}
	sim := simulated.NewBackend(alloc, simulated.WithBlockGasLimit(60_000_000), osaka)
	t.Cleanup(func() { sim.Close() })
	e := &env{t: t, sim: sim, cl: sim.Client(), ctx: context.Background()}
	id, err := e.cl.ChainID(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = id
	if err := sim.AdjustTime(1000 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}

	e.tokenAddr = e.deploy(deployerKey, bindings.TestTokenMetaData.Bin, nil)
	e.badAddr = e.deploy(deployerKey, bindings.BadTokenMetaData.Bin, nil)
	e.escrowAddr = e.deploy(deployerKey, bindings.SessionEscrowMetaData.Bin,
		escrowABI.PackConstructor(addr(treasuryKey), testFeeBps, testDisputeWindow))
	e.modelsAddr = e.deploy(deployerKey, bindings.ModelRegistryMetaData.Bin, nil)
	e.nodesAddr = e.deploy(deployerKey, bindings.NodeRegistryMetaData.Bin,
		nodesABI.PackConstructor(e.modelsAddr, e.tokenAddr, 7*24*3600))
	e.escrow = escrowABI.Instance(e.cl, e.escrowAddr)
	e.token = tokenABI.Instance(e.cl, e.tokenAddr)
	e.bad = badABI.Instance(e.cl, e.badAddr)
	e.models = modelsABI.Instance(e.cl, e.modelsAddr)
	e.nodes = nodesABI.Instance(e.cl, e.nodesAddr)
	e.dom = chain.Domain{ChainID: e.chainID, Escrow: e.escrowAddr}
	return e
}

func (e *env) deploy(from *ecdsa.PrivateKey, bin string, ctor []byte) common.Address {
	e.t.Helper()
	a, err := e.tryDeploy(from, bin, ctor)
	if err != nil {
		e.t.Fatalf("deploy: %v", err)
	}
	return a
}

func (e *env) tryDeploy(from *ecdsa.PrivateKey, bin string, ctor []byte) (common.Address, error) {
	opts := e.opts(from, nil)
	a, tx, err := bind.DeployContract(opts, common.FromHex(bin), e.cl, ctor)
	if err != nil {
		return common.Address{}, err
	}
	e.sim.Commit()
	if _, err := e.receipt(tx); err != nil {
		return common.Address{}, err
	}
	return a, nil
}

func (e *env) opts(from *ecdsa.PrivateKey, value *big.Int) *bind.TransactOpts {
	opts := bind.NewKeyedTransactor(from, e.chainID)
	n, err := e.cl.PendingNonceAt(e.ctx, addr(from))
	if err != nil {
		e.t.Fatal(err)
	}
	opts.Nonce = new(big.Int).SetUint64(n)
	opts.Value = value
	opts.Context = e.ctx
	return opts
}

func (e *env) receipt(tx *types.Transaction) (*types.Receipt, error) {
	r, err := e.cl.TransactionReceipt(e.ctx, tx.Hash())
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return r, fmt.Errorf("tx %s reverted (gas used %d)", tx.Hash(), r.GasUsed)
	}
	return r, nil
}

// send makes from call c with data (and value) in a block of its own, and
// returns the receipt or the error of the gas estimation (a revert).
func (e *env) send(from *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int) (*types.Receipt, error) {
	tx, err := bind.Transact(c, e.opts(from, value), data)
	if err != nil {
		return nil, err
	}
	e.sim.Commit()
	return e.receipt(tx)
}

// must is send that fails the test on error.
func (e *env) must(from *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int) *types.Receipt {
	e.t.Helper()
	r, err := e.send(from, c, data, value)
	if err != nil {
		e.t.Fatalf("tx: %v%s", err, e.describe(err))
	}
	return r
}

// sendGas sends with a fixed gas limit (no estimation) and returns the
// receipt whatever its status.
func (e *env) sendGas(from *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int, gas uint64) *types.Receipt {
	e.t.Helper()
	opts := e.opts(from, value)
	opts.GasLimit = gas
	tx, err := bind.Transact(c, opts, data)
	if err != nil {
		e.t.Fatal(err)
	}
	e.sim.Commit()
	r, err := e.cl.TransactionReceipt(e.ctx, tx.Hash())
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// describe decodes a revert for test failure messages.
func (e *env) describe(err error) string {
	raw, ok := revertData(err)
	if !ok {
		return ""
	}
	for _, u := range []func([]byte) (any, error){escrowABI.UnpackError, nodesABI.UnpackError, modelsABI.UnpackError, tokenABI.UnpackError} {
		if v, err := u(raw); err == nil {
			return fmt.Sprintf(" (%T %+v)", v, v)
		}
	}
	return fmt.Sprintf(" (revert data %x)", raw)
}

func revertData(err error) ([]byte, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil, false
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil, false
	}
	return common.FromHex(s), true
}

// wantErr asserts that err is a revert whose custom error decodes (with
// unpack) to a *T, and returns it.
func wantErr[T any](t testing.TB, err error, unpack func([]byte) (any, error)) *T {
	t.Helper()
	var zero *T
	want := reflect.TypeOf(zero).String()
	if err == nil {
		t.Fatalf("succeeded, want revert %s", want)
	}
	raw, ok := revertData(err)
	if !ok {
		t.Fatalf("error %v carries no revert data, want %s", err, want)
	}
	v, uerr := unpack(raw)
	if uerr != nil {
		t.Fatalf("revert %x (%v) does not decode: %v; want %s", raw, err, uerr, want)
	}
	got, ok := v.(*T)
	if !ok {
		t.Fatalf("reverted with %T %+v, want %s", v, v, want)
	}
	return got
}

// advance moves the clock on by d seconds (in an empty block of its own).
//
// AdjustTime refuses while the pool still lists a transaction: just after a
// Commit the pool may not have caught up with the new head yet (seen under
// -race), so it is retried briefly.
func (e *env) advance(d uint64) {
	e.t.Helper()
	var err error
	for i := 0; i < 200; i++ {
		if err = e.sim.AdjustTime(time.Duration(d) * time.Second); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatal(err)
}

// now is the timestamp of the head block; the next transaction's block is now()+1.
func (e *env) now() uint64 {
	e.t.Helper()
	h, err := e.cl.HeaderByNumber(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Time
}

func (e *env) ethBalance(a common.Address) *big.Int {
	e.t.Helper()
	b, err := e.cl.BalanceAt(e.ctx, a, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) tokenBalance(token, a common.Address) *big.Int {
	e.t.Helper()
	b, err := bind.Call(tokenABI.Instance(e.cl, token), nil, tokenABI.PackBalanceOf(a), tokenABI.UnpackBalanceOf)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// balanceIn is a's balance of token (address(0): ETH) outside the escrow.
func (e *env) balanceIn(token, a common.Address) *big.Int {
	if token == (common.Address{}) {
		return e.ethBalance(a)
	}
	return e.tokenBalance(token, a)
}

// escrowBalance is balances(a, token) inside the escrow.
func (e *env) escrowBalance(a, token common.Address) *big.Int {
	e.t.Helper()
	b, err := bind.Call(e.escrow, nil, escrowABI.PackBalances(a, token), escrowABI.UnpackBalances)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) session(id *big.Int) bindings.SessionEscrowSession {
	e.t.Helper()
	s, err := bind.Call(e.escrow, nil, escrowABI.PackGetSession(id), escrowABI.UnpackGetSession)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// mint gives to amount of token (TestToken or BadToken) and approves the escrow for it.
func (e *env) mintApprove(token common.Address, to *ecdsa.PrivateKey, amount *big.Int) {
	e.t.Helper()
	c := tokenABI.Instance(e.cl, token)
	e.must(to, c, tokenABI.PackMint(addr(to), amount), nil)
	e.must(to, c, tokenABI.PackApprove(e.escrowAddr, amount), nil)
}

// terms are default session terms for host, paid in ETH.
func (e *env) terms(host common.Address) bindings.SessionEscrowTerms {
	return bindings.SessionEscrowTerms{
		Host:         host,
		ModelId:      crypto.Keccak256Hash([]byte("model")),
		Token:        common.Address{},
		Deposit:      new(big.Int).Div(eth, big.NewInt(100)), // 0.01 ETH
		InputPrice:   big.NewInt(100_000_000),                // 0.1 gwei
		OutputPrice:  big.NewInt(400_000_000),                // 0.4 gwei
		CreditWindow: 256,
		Expiry:       e.now() + 24*3600,
		SessionKey:   common.Address{},
	}
}

// open opens a session with terms t paid by from and returns its id.
func (e *env) open(from *ecdsa.PrivateKey, t bindings.SessionEscrowTerms) (*big.Int, *types.Receipt) {
	e.t.Helper()
	var value *big.Int
	if t.Token == (common.Address{}) {
		value = t.Deposit
	}
	r := e.must(from, e.escrow, escrowABI.PackOpen(t), value)
	for _, l := range r.Logs {
		if ev, err := escrowABI.UnpackSessionOpenedEvent(l); err == nil {
			return ev.SessionId, r
		}
	}
	e.t.Fatal("no SessionOpened event")
	return nil, nil
}

func (e *env) tryOpen(from *ecdsa.PrivateKey, t bindings.SessionEscrowTerms, value *big.Int) error {
	_, err := e.send(from, e.escrow, escrowABI.PackOpen(t), value)
	return err
}

// receipt signs a receipt for session id with k.
func (e *env) signedReceipt(k *ecdsa.PrivateKey, id *big.Int, in, out uint64, outChain common.Hash) (chain.Receipt, []byte) {
	e.t.Helper()
	r := chain.Receipt{SessionID: id, InputTokens: in, OutputTokens: out, OutputChain: outChain}
	sig, err := e.dom.SignReceipt(r, k)
	if err != nil {
		e.t.Fatal(err)
	}
	return r, sig
}

func (e *env) signedCheckpoint(k *ecdsa.PrivateKey, id *big.Int, in, out uint64, outChain, prev common.Hash) (chain.Checkpoint, []byte) {
	e.t.Helper()
	c := chain.Checkpoint{SessionID: id, InputTokens: in, OutputTokens: out, OutputChain: outChain, PrevChain: prev}
	sig, err := e.dom.SignCheckpoint(c, k)
	if err != nil {
		e.t.Fatal(err)
	}
	return c, sig
}

func (e *env) settle(from *ecdsa.PrivateKey, s bindings.SessionEscrowSettlement) (*types.Receipt, error) {
	return e.send(from, e.escrow, escrowABI.PackSettle(s), nil)
}

func (e *env) settleMany(from *ecdsa.PrivateKey, s []bindings.SessionEscrowSettlement) (*types.Receipt, error) {
	return e.send(from, e.escrow, escrowABI.PackSettleMany(s), nil)
}

// settledEvents returns the SessionSettled events of r.
func settledEvents(r *types.Receipt) []*bindings.SessionEscrowSessionSettled {
	var out []*bindings.SessionEscrowSessionSettled
	for _, l := range r.Logs {
		if ev, err := escrowABI.UnpackSessionSettledEvent(l); err == nil {
			out = append(out, ev)
		}
	}
	return out
}

func bi(v int64) *big.Int { return big.NewInt(v) }

func eqBig(t testing.TB, what string, got, want *big.Int) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Fatalf("%s = %v, want %v (diff %v)", what, got, want, new(big.Int).Sub(got, want))
	}
}

// txCost is what a receipt cost its sender in ETH.
func txCost(r *types.Receipt) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice)
}

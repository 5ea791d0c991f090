package chain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain/bindings"
)

// The operator's operations (`fabnode chain deploy|register`, `fabnode
// earnings`): each sends through a TxManager and waits for its jobs.

// DeployParams are the immutable settings of a deployment.
type DeployParams struct {
	Treasury      common.Address // receives the protocol fee
	FeeBps        uint16         // at most 1000 (10%)
	DisputeWindow uint32         // seconds after a deadline the host can still settle
	// StakeToken is the NodeRegistry's staking ERC-20 (zero: staking off),
	// with its unbonding delay in seconds.
	StakeToken     common.Address
	UnbondingDelay uint64
}

// Deployment is where the contracts are.
type Deployment struct {
	ChainID                             *big.Int
	ModelRegistry, NodeRegistry, Escrow common.Address
	// Block is the escrow's deployment block: the monitor's start_block.
	Block uint64
}

// Deploy deploys ModelRegistry, NodeRegistry and SessionEscrow from the
// committed bindings. Job ids start with idPrefix.
func Deploy(ctx context.Context, m *TxManager, idPrefix string, p DeployParams) (Deployment, error) {
	d := Deployment{ChainID: new(big.Int).Set(m.chainID)}
	escrowCode := append(common.FromHex(bindings.SessionEscrowMetaData.Bin),
		escrowABI.PackConstructor(p.Treasury, p.FeeBps, p.DisputeWindow)...)
	if err := m.SubmitDeploy(ctx, idPrefix+"escrow", escrowCode, nil); err != nil {
		return d, err
	}
	if err := m.SubmitDeploy(ctx, idPrefix+"model-registry", common.FromHex(bindings.ModelRegistryMetaData.Bin), nil); err != nil {
		return d, err
	}
	st, err := waitOK(ctx, m, idPrefix+"model-registry", "ModelRegistry deployment")
	if err != nil {
		return d, err
	}
	d.ModelRegistry = st.ContractAddress
	nodesCode := append(common.FromHex(bindings.NodeRegistryMetaData.Bin),
		nodesABI.PackConstructor(d.ModelRegistry, p.StakeToken, p.UnbondingDelay)...)
	if err := m.SubmitDeploy(ctx, idPrefix+"node-registry", nodesCode, nil); err != nil {
		return d, err
	}
	if st, err = waitOK(ctx, m, idPrefix+"escrow", "SessionEscrow deployment"); err != nil {
		return d, err
	}
	d.Escrow, d.Block = st.ContractAddress, st.Receipt.BlockNumber.Uint64()
	if st, err = waitOK(ctx, m, idPrefix+"node-registry", "NodeRegistry deployment"); err != nil {
		return d, err
	}
	d.NodeRegistry = st.ContractAddress
	return d, nil
}

// waitOK waits for a job and turns anything but a successful mined
// transaction into an error.
func waitOK(ctx context.Context, m *TxManager, id, what string) (JobStatus, error) {
	st, err := m.Wait(ctx, id)
	if err != nil {
		return st, fmt.Errorf("%s: %w", what, err)
	}
	if st.State == JobFailed {
		return st, fmt.Errorf("%s: %s", what, st.Reason)
	}
	if !st.Success {
		return st, fmt.Errorf("%s: transaction %s reverted: %s", what, st.TxHash.Hex(), st.Reason)
	}
	return st, nil
}

func call[T any](ctx context.Context, b Backend, to common.Address, data []byte, unpack func([]byte) (T, error)) (T, error) {
	var zero T
	out, err := b.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		if IsRevert(err) {
			return zero, fmt.Errorf("call reverts: %s", RevertReason(err))
		}
		return zero, err
	}
	if len(out) == 0 {
		return zero, fmt.Errorf("no contract at %s", to.Hex())
	}
	return unpack(out)
}

// Model is a model the node registers: its id is the SHA-256 of the GGUF
// file; prices are the minimums per token in the payment token's units.
type Model struct {
	ID                            [32]byte
	Name                          string
	MinInputPrice, MinOutputPrice *big.Int
}

// Registration is the node's NodeRegistry entry.
type Registration struct {
	APIURL     string
	PeerID     []byte
	Multiaddrs []string
	Models     []Model
	Tokens     []common.Address // zero: native ETH
}

// Registered says what Register did.
type Registered struct {
	NewModels []Model // registered in the ModelRegistry now
	Updated   bool    // the node was registered already: its entry was replaced
	TxHash    common.Hash
}

// Register registers the models the ModelRegistry does not list yet, then
// the node (or replaces its entry) in the NodeRegistry.
func Register(ctx context.Context, b Backend, m *TxManager, modelRegistry, nodeRegistry common.Address, idPrefix string, r Registration) (Registered, error) {
	var res Registered
	var pending []Model
	for _, md := range r.Models {
		ok, err := call(ctx, b, modelRegistry, modelsABI.PackExists(md.ID), modelsABI.UnpackExists)
		if err != nil {
			return res, fmt.Errorf("ModelRegistry %s: %w", modelRegistry.Hex(), err)
		}
		if ok {
			continue
		}
		if err := m.Submit(ctx, fmt.Sprintf("%smodel:%x", idPrefix, md.ID), modelRegistry, modelsABI.PackRegister(md.ID, md.Name), nil); err != nil {
			return res, err
		}
		pending = append(pending, md)
	}
	for _, md := range pending {
		if _, err := waitOK(ctx, m, fmt.Sprintf("%smodel:%x", idPrefix, md.ID), "registering model "+md.Name); err != nil {
			return res, err
		}
		res.NewModels = append(res.NewModels, md)
	}
	info := bindings.NodeRegistryHostInfo{ApiUrl: r.APIURL, PeerId: r.PeerID, Multiaddrs: r.Multiaddrs, PaymentTokens: r.Tokens}
	if info.PeerId == nil {
		info.PeerId = []byte{}
	}
	if info.Multiaddrs == nil {
		info.Multiaddrs = []string{}
	}
	for _, md := range r.Models {
		info.Models = append(info.Models, bindings.NodeRegistryModelPrice{ModelId: md.ID,
			MinInputPrice: orZero(md.MinInputPrice), MinOutputPrice: orZero(md.MinOutputPrice)})
	}
	reg, err := call(ctx, b, nodeRegistry, nodesABI.PackIsRegistered(m.Address()), nodesABI.UnpackIsRegistered)
	if err != nil {
		return res, fmt.Errorf("NodeRegistry %s: %w", nodeRegistry.Hex(), err)
	}
	data, what := nodesABI.PackRegister(info), "registering the node"
	if reg {
		data, what, res.Updated = nodesABI.PackUpdate(info), "updating the node's entry", true
	}
	id := idPrefix + "node"
	if err := m.Submit(ctx, id, nodeRegistry, data, nil); err != nil {
		return res, err
	}
	st, err := waitOK(ctx, m, id, what)
	res.TxHash = st.TxHash
	return res, err
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// Earnings is the escrow balance of an account in a token.
func Earnings(ctx context.Context, b Backend, escrow, account, token common.Address) (*big.Int, error) {
	return call(ctx, b, escrow, escrowABI.PackBalances(account, token), escrowABI.UnpackBalances)
}

var erc20ABI = bindings.NewTestToken() // its symbol, decimals and balanceOf are ERC-20's

// TokenInfo returns a token's symbol and decimals ("ETH", 18 for the zero
// address).
func TokenInfo(ctx context.Context, b Backend, token common.Address) (symbol string, decimals uint8, err error) {
	if token == (common.Address{}) {
		return "ETH", 18, nil
	}
	if symbol, err = call(ctx, b, token, erc20ABI.PackSymbol(), erc20ABI.UnpackSymbol); err != nil {
		return "", 0, fmt.Errorf("token %s: symbol(): %w", token.Hex(), err)
	}
	if decimals, err = call(ctx, b, token, erc20ABI.PackDecimals(), erc20ABI.UnpackDecimals); err != nil {
		return "", 0, fmt.Errorf("token %s: decimals(): %w", token.Hex(), err)
	}
	return symbol, decimals, nil
}

// Withdraw sends the account's whole escrow balance in token to to (zero:
// the account itself) and waits for it.
func Withdraw(ctx context.Context, m *TxManager, escrow, token, to common.Address, id string) (JobStatus, error) {
	data := escrowABI.PackWithdraw(token)
	if to != (common.Address{}) && to != m.Address() {
		data = escrowABI.PackWithdrawTo(token, to)
	}
	if err := m.Submit(ctx, id, escrow, data, nil); err != nil {
		return JobStatus{}, err
	}
	return waitOK(ctx, m, id, "withdrawal")
}

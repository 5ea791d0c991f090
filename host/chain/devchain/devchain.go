package devchain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/fabnode/fabnode/host/chain/bindings"
)

// Key derives a development key from a public name.
func Key(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("fabnode dev key " + name)))
	if err != nil {
		panic(err)
	}
	return k
}

// Address is the account of key.
func Address(key *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(key.PublicKey) }

// The development accounts every chain funds.
var (
	Deployer = Key("deployer")
	Treasury = Key("treasury")
	Client   = Key("client")
)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// Options configure a chain; zero values take the defaults.
type Options struct {
	Port          int           // JSON-RPC port on 127.0.0.1; 0: any free one
	Period        time.Duration // a block at least this often (default 1s)
	FeeBps        uint16        // the escrow's protocol fee (default 250: 2.5%)
	DisputeWindow uint32        // seconds (default 3600)
	// Fund lists further accounts to fund, with Deployer, Treasury and
	// Client, each with 1,000,000 ETH and as many test tokens.
	Fund []common.Address
}

// Chain is a running development chain.
type Chain struct {
	URL     string // the JSON-RPC endpoint
	ChainID *big.Int
	// The deployed contracts.
	Escrow, NodeRegistry, ModelRegistry, Token common.Address

	sim    *simulated.Backend
	client simulated.Client
	mu     sync.Mutex // Commit and AdjustTime: the backend serves one at a time
	stop   chan struct{}
	done   chan struct{}
}

// osaka runs the chain on the forks live on Ethereum and Base.
func osaka(_ *node.Config, ec *ethconfig.Config) {
	cfg := *params.AllDevChainProtocolChanges
	cfg.AmsterdamTime = nil
	cfg.BogotaTime = nil
	ec.Genesis.Config = &cfg
}

// Start starts a chain, deploys the contracts and funds the accounts.
func Start(o Options) (c *Chain, err error) {
	if o.Period <= 0 {
		o.Period = time.Second
	}
	if o.FeeBps == 0 {
		o.FeeBps = 250
	}
	if o.DisputeWindow == 0 {
		o.DisputeWindow = 3600
	}
	port := o.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	fund := new(big.Int).Mul(big.NewInt(1_000_000), Ether)
	alloc := types.GenesisAlloc{}
	accounts := append([]common.Address{Address(Deployer), Address(Treasury), Address(Client)}, o.Fund...)
	for _, a := range accounts {
		alloc[a] = types.Account{Balance: fund}
	}
	rpcOn := func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort = "127.0.0.1", port
		nc.HTTPModules = []string{"eth", "net", "web3"}
		nc.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
		nc.HTTPCors = []string{"*"}
	}
	sim, err := newBackend(alloc, simulated.WithBlockGasLimit(60_000_000), osaka, rpcOn)
	if err != nil {
		return nil, err
	}
	c = &Chain{URL: fmt.Sprintf("http://127.0.0.1:%d", port), sim: sim, client: sim.Client(),
		stop: make(chan struct{}), done: make(chan struct{})}
	defer func() {
		if err != nil {
			sim.Close()
		}
	}()
	ctx := context.Background()
	if c.ChainID, err = c.client.ChainID(ctx); err != nil {
		return nil, err
	}
	// Block times follow the wall clock from here: a dev chain's deadlines
	// are real ones.
	deploy := func(bin string, ctor []byte) (common.Address, error) {
		opts, err := c.opts(ctx, Deployer)
		if err != nil {
			return common.Address{}, err
		}
		a, tx, err := bind.DeployContract(opts, common.FromHex(bin), c.client, ctor)
		if err != nil {
			return common.Address{}, err
		}
		c.Commit()
		return a, c.succeeded(ctx, tx)
	}
	if c.Token, err = deploy(bindings.TestTokenMetaData.Bin, nil); err != nil {
		return nil, fmt.Errorf("deploying the test token: %w", err)
	}
	if c.ModelRegistry, err = deploy(bindings.ModelRegistryMetaData.Bin, nil); err != nil {
		return nil, fmt.Errorf("deploying ModelRegistry: %w", err)
	}
	if c.NodeRegistry, err = deploy(bindings.NodeRegistryMetaData.Bin,
		bindings.NewNodeRegistry().PackConstructor(c.ModelRegistry, common.Address{}, 0)); err != nil {
		return nil, fmt.Errorf("deploying NodeRegistry: %w", err)
	}
	if c.Escrow, err = deploy(bindings.SessionEscrowMetaData.Bin,
		bindings.NewSessionEscrow().PackConstructor(Address(Treasury), o.FeeBps, o.DisputeWindow)); err != nil {
		return nil, fmt.Errorf("deploying SessionEscrow: %w", err)
	}
	token := bindings.NewTestToken().Instance(c.client, c.Token)
	for _, a := range accounts {
		opts, err := c.opts(ctx, Deployer)
		if err != nil {
			return nil, err
		}
		if _, err := bind.Transact(token, opts, bindings.NewTestToken().PackMint(a, fund)); err != nil {
			return nil, fmt.Errorf("minting test tokens: %w", err)
		}
		c.Commit()
	}
	go c.mine(o.Period)
	return c, nil
}

// newBackend builds the simulated backend; a port taken between choosing
// and binding it makes NewBackend panic, which becomes an error.
func newBackend(alloc types.GenesisAlloc, opts ...func(*node.Config, *ethconfig.Config)) (sim *simulated.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("starting the dev chain: %v", r)
		}
	}()
	return simulated.NewBackend(alloc, opts...), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *Chain) opts(ctx context.Context, from *ecdsa.PrivateKey) (*bind.TransactOpts, error) {
	opts := bind.NewKeyedTransactor(from, c.ChainID)
	n, err := c.client.PendingNonceAt(ctx, Address(from))
	if err != nil {
		return nil, err
	}
	opts.Nonce = new(big.Int).SetUint64(n)
	opts.Context = ctx
	return opts, nil
}

func (c *Chain) succeeded(ctx context.Context, tx *types.Transaction) error {
	r, err := c.client.TransactionReceipt(ctx, tx.Hash())
	if err != nil {
		return err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return errors.New("the transaction reverted")
	}
	return nil
}

// mine commits a block whenever a transaction is pending, and one every
// period regardless.
func (c *Chain) mine(period time.Duration) {
	defer close(c.done)
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	last := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case <-poll.C:
		}
		n, err := c.client.PendingTransactionCount(context.Background())
		if (err == nil && n > 0) || time.Since(last) >= period {
			c.Commit()
			last = time.Now()
		}
	}
}

// Commit mines a block now.
func (c *Chain) Commit() common.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sim.Commit()
}

// AdjustTime moves the chain's clock forward by d (in an empty block of
// its own), for tests of deadlines.
func (c *Chain) AdjustTime(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sim.AdjustTime(d)
}

// Client is an in-process client of the chain.
func (c *Chain) Client() simulated.Client { return c.client }

// Close stops mining and the chain.
func (c *Chain) Close() error {
	close(c.stop)
	<-c.done
	return c.sim.Close()
}

// Transfer sends wei from the deployer to an account, mined at once.
func (c *Chain) Transfer(ctx context.Context, to common.Address, wei *big.Int) error {
	opts, err := c.opts(ctx, Deployer)
	if err != nil {
		return err
	}
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return err
	}
	tip, err := c.client.SuggestGasTipCap(ctx)
	if err != nil {
		return err
	}
	tx, err := types.SignNewTx(Deployer, types.LatestSignerForChainID(c.ChainID), &types.DynamicFeeTx{
		ChainID: c.ChainID, Nonce: opts.Nonce.Uint64(), GasTipCap: tip, GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas: 21000, To: &to, Value: wei,
	})
	if err != nil {
		return err
	}
	if err := c.client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	c.Commit()
	return c.succeeded(ctx, tx)
}

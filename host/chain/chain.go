package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/service"
)

// Chain is a node's connection to its chain: the endpoint, the store, the
// transaction manager and the session monitor.
type Chain struct {
	Config  Config
	Client  *ethclient.Client
	Store   *Store
	Tx      *TxManager
	Monitor *Monitor
}

// Open dials cfg.RPC (checking its chain id), opens the store of that chain
// under dataDir and builds the transaction manager sending from key and the
// monitor of key's sessions. Nothing runs until the Services start.
func Open(ctx context.Context, cfg Config, key *ecdsa.PrivateKey, dataDir string, log hclog.Logger) (*Chain, error) {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	log = log.Named("chain")
	if cfg.Escrow == ([20]byte{}) {
		return nil, errors.New("chain.escrow is not set: deploy the contracts with `fabnode chain deploy` and put their addresses in the chain block")
	}
	cl, id, err := Dial(ctx, cfg.RPC, cfg.ChainID, cfg.RPCTimeout)
	if err != nil {
		return nil, err
	}
	cfg.ChainID = id
	cctx, cancel := callCtx(ctx, cfg.withDefaults().RPCTimeout)
	genesis, err := cl.HeaderByNumber(cctx, big.NewInt(0))
	cancel()
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("chain rpc %s: genesis block: %s", RedactRPC(cfg.RPC), cfg.scrub(err))
	}
	st, err := openStoreFor(StorePath(dataDir, id), genesis.Hash(), log)
	if err != nil {
		cl.Close()
		return nil, err
	}
	c := &Chain{Config: cfg, Client: cl, Store: st}
	if c.Tx, err = NewTxManager(cl, st, key, id, cfg, log); err == nil {
		c.Monitor, err = NewMonitor(cl, st, crypto.PubkeyToAddress(key.PublicKey), id, cfg, log)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	log.Info("chain", "rpc", RedactRPC(cfg.RPC), "chain_id", id, "escrow", cfg.Escrow.Hex(), "account", c.Tx.Address().Hex(), "store", st.Path())
	return c, nil
}

// Services are the chain's node services in start order: the store (its
// Stop closes the file and the endpoint), the transaction manager and the
// session monitor. A Group stops them in reverse.
func (c *Chain) Services() []service.Service {
	return []service.Service{
		&service.Func{ServiceName: "chain store", OnStop: func(context.Context) error { return c.Close() }},
		c.Tx,
		c.Monitor,
	}
}

// Close closes the store and the endpoint (after the services stopped).
func (c *Chain) Close() error {
	var err error
	if c.Store != nil {
		err = c.Store.Close()
	}
	if c.Client != nil {
		c.Client.Close()
	}
	if err != nil {
		return fmt.Errorf("chain store: %w", err)
	}
	return nil
}

// openStoreFor opens the store of the chain whose genesis block is genesis.
// A store of another chain with the same id (a development chain started
// again from scratch) is moved aside, kept under a name with the time, and
// a new one begins: its nonces and blocks mean nothing on this chain.
func openStoreFor(path string, genesis common.Hash, log hclog.Logger) (*Store, error) {
	st, err := OpenStore(path)
	if err != nil {
		return nil, err
	}
	old, err := st.genesis(genesis)
	if err != nil || old == (common.Hash{}) || old == genesis {
		if err != nil {
			st.Close()
		}
		return st, err
	}
	st.Close()
	aside := fmt.Sprintf("%s.%s.old", path, time.Now().UTC().Format("20060102T150405"))
	if err := os.Rename(path, aside); err != nil {
		return nil, err
	}
	log.Warn("the chain store is of another chain with this id (one started again?); starting a new store, the old one is kept",
		"genesis", genesis.Hex(), "store_genesis", old.Hex(), "old_store", aside)
	if st, err = OpenStore(path); err != nil {
		return nil, err
	}
	if _, err := st.genesis(genesis); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

package node

import (
	"context"
	"fmt"
	"math/big"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
)

// The node's on-chain side: its identity (one secp256k1 key, see package
// identity) and its chain client (package chain), from the config.

// Keystore is the node's keystore directory (node.keystore, or
// <data_dir>/keystore), with production encryption.
func Keystore(cfg *config.Config) identity.Keystore {
	dir := cfg.Node.Keystore
	if dir == "" {
		dir = filepath.Join(cfg.Node.DataDir, "keystore")
	}
	return identity.Keystore{Dir: dir}
}

// LegacyKeyFile is where earlier versions kept the Ed25519 node key.
func LegacyKeyFile(cfg *config.Config) string {
	if cfg.Node.KeyFile != "" {
		return cfg.Node.KeyFile
	}
	return filepath.Join(cfg.Node.DataDir, "node.key")
}

// LoadIdentity opens the node's key: the one in the keystore, unlocked with
// node.key_password_file or $FABNODE_KEY_PASSWORD, or with node.dev_key a
// development key it creates; a node that only has the Ed25519 key of
// earlier versions gets an identity.MigrationError.
func LoadIdentity(cfg *config.Config, log hclog.Logger) (*identity.Key, error) {
	return identity.Open(identity.Options{
		Keystore: Keystore(cfg), PasswordFile: cfg.Node.KeyPasswordFile, DevKey: cfg.Node.DevKey,
		LegacyKeyFile: LegacyKeyFile(cfg), Log: log,
	})
}

// ChainConfig turns the config's chain block into the chain client's
// config; enabled is false when chain.rpc is "" (the node runs without a
// chain).
func ChainConfig(c config.ChainConfig) (cc chain.Config, enabled bool, err error) {
	if c.RPC == "" {
		return chain.Config{}, false, nil
	}
	if err := chain.CheckRPC(c.RPC); err != nil {
		return cc, true, err
	}
	id, err := chain.ResolveChainID(c.Network, c.ChainID)
	if err != nil {
		return cc, true, err
	}
	cc = chain.Config{
		RPC: c.RPC, ChainID: id, StartBlock: uint64(c.StartBlock), Confirmations: uint64(c.Confirmations),
		PollInterval: c.PollInterval, ReceiptPoll: c.ReceiptPoll, BumpAfter: c.BumpAfter,
		MaxLogRange: uint64(c.MaxLogRange), RPCTimeout: c.RPCTimeout,
	}
	if c.MaxFeeGwei > 0 {
		cc.MaxFee = new(big.Int).Mul(big.NewInt(c.MaxFeeGwei), big.NewInt(1_000_000_000))
	}
	for _, a := range []struct {
		key, val string
		dst      *common.Address
	}{
		{"chain.escrow", c.Escrow, &cc.Escrow},
		{"chain.node_registry", c.NodeRegistry, &cc.NodeRegistry},
		{"chain.model_registry", c.ModelRegistry, &cc.ModelRegistry},
	} {
		v, err := chain.ParseAddress(a.key, a.val)
		if err != nil {
			return cc, true, err
		}
		*a.dst = v
	}
	return cc, true, nil
}

// OpenChain connects the node to its chain (chain.Open) with key as its
// account; it returns nil, nil when the config has no chain. The caller
// runs the result's Services with the node's and closes it if they never
// start.
func OpenChain(ctx context.Context, cfg *config.Config, key *identity.Key, log hclog.Logger) (*chain.Chain, error) {
	cc, enabled, err := ChainConfig(cfg.Chain)
	if !enabled {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("chain: %w", err)
	}
	return chain.Open(ctx, cc, key.PrivateKey(), cfg.Node.DataDir, log)
}

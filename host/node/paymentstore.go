package node

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/payments"
)

// PaymentsStorePath is the payment step's store for a chain: one per
// chain id and genesis block. The id alone is not enough: a development
// chain started again has the id of the last one but none of its
// sessions, and its session ids start again at 1, so the ledgers and
// nonces of the old chain would be taken for the new one's.
func PaymentsStorePath(dataDir string, chainID *big.Int, genesis [32]byte) string {
	return filepath.Join(dataDir, fmt.Sprintf("payments-%s-%x.db", chainID, genesis[:8]))
}

// openPaymentsStore opens the store of the chain c is on. The store of
// earlier versions, payments-<chain id>.db, is taken over as this chain's
// (a node on a public chain keeps its receipts).
func openPaymentsStore(dataDir string, c *chain.Chain, log hclog.Logger) (*payments.Store, error) {
	timeout := c.Config.RPCTimeout
	if timeout <= 0 {
		timeout = chain.DefaultRPCTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	g, err := c.Client.HeaderByNumber(ctx, big.NewInt(0))
	if err != nil {
		return nil, fmt.Errorf("payments store: reading the chain's genesis block: %s", err)
	}
	path := PaymentsStorePath(dataDir, c.Config.ChainID, g.Hash())
	legacy := filepath.Join(dataDir, fmt.Sprintf("payments-%s.db", c.Config.ChainID))
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(legacy); err == nil {
			if err := os.Rename(legacy, path); err != nil {
				return nil, err
			}
			log.Info("payments store renamed to name its chain's genesis", "from", legacy, "to", path)
		}
	}
	return payments.OpenStore(path)
}

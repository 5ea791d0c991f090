package chain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
)

// Store is the chain client's bbolt file: the transaction manager's queue
// and the session monitor's sessions and progress. One process holds it at
// a time.
type Store struct {
	db   *bolt.DB
	path string
}

// OpenStore opens (creating, mode 0600) the store at path.
func OpenStore(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("chain store %s is held by another process (is the node running?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("chain store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// StorePath is the store of a node's chain under dataDir: one file per
// chain id, so switching networks never mixes their queues.
func StorePath(dataDir string, chainID fmt.Stringer) string {
	return filepath.Join(dataDir, fmt.Sprintf("chain-%s.db", chainID))
}

// Path is the file's path.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) buckets(names ...[]byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists(n); err != nil {
				return err
			}
		}
		return nil
	})
}

var bucketStoreMeta = []byte("store.meta")

// genesis records the chain's genesis hash in a new store and returns the
// one recorded before (zero for a new store).
func (s *Store) genesis(h common.Hash) (common.Hash, error) {
	var old common.Hash
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketStoreMeta)
		if err != nil {
			return err
		}
		if v := b.Get([]byte("genesis")); v != nil {
			old = common.BytesToHash(v)
			return nil
		}
		return b.Put([]byte("genesis"), h[:])
	})
	return old, err
}

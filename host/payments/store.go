package payments

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	bolt "go.etcd.io/bbolt"
)

// Store keeps what the payment step must not lose in a crash: each
// session's ledger (receipts above all) and the nonces it has seen. Every
// write is a committed (fsynced) bbolt transaction before it counts.
type Store struct{ db *bolt.DB }

var (
	ledgersBucket = []byte("ledgers")
	noncesBucket  = []byte("nonces")
)

// OpenStore opens (creating) the store at path.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("payments store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{ledgersBucket, noncesBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// point is a state the node delivered a session to: cumulative tokens
// and the output hash chain over the pieces delivered.
type point struct {
	In    uint64      `json:"in"`
	Out   uint64      `json:"out"`
	Chain common.Hash `json:"chain"`
}

// receipt is the highest receipt the client countersigned.
type receipt struct {
	point
	Sig hexutil.Bytes `json:"sig"`
}

// record is a ledger as stored.
type record struct {
	Delivered point     `json:"delivered"`
	Receipt   *receipt  `json:"receipt,omitempty"`
	Points    []point   `json:"points"` // delivered states since the receipt, oldest first
	Settling  string    `json:"settling,omitempty"`
	LastUsed  time.Time `json:"last_used"`
}

func sessionKey(id *big.Int) []byte { return []byte(id.String()) }

func (s *Store) putLedger(id *big.Int, r record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(ledgersBucket).Put(sessionKey(id), b) })
}

func (s *Store) ledgers() (map[string]record, error) {
	out := map[string]record{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(ledgersBucket).ForEach(func(k, v []byte) error {
			var r record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("ledger %s: %w", k, err)
			}
			out[string(k)] = r
			return nil
		})
	})
	return out, err
}

// errReplay is a nonce the session has seen.
var errReplay = errors.New("nonce already used")

// useNonce records nonce for the session, failing if it was seen.
func (s *Store) useNonce(id *big.Int, nonce uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(noncesBucket).CreateBucketIfNotExists(sessionKey(id))
		if err != nil {
			return err
		}
		k := binary.BigEndian.AppendUint64(nil, nonce)
		if b.Get(k) != nil {
			return errReplay
		}
		return b.Put(k, []byte{})
	})
}

// forget drops a finished session's ledger and nonces: its id is never
// reused, so no request on it can be served again.
func (s *Store) forget(id *big.Int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(ledgersBucket).Delete(sessionKey(id)); err != nil {
			return err
		}
		if err := tx.Bucket(noncesBucket).DeleteBucket(sessionKey(id)); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return err
		}
		return nil
	})
}

package chain_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/fabnode/fabnode/host/chain"
)

// startManager runs a transaction manager over b until the test ends.
func startManager(t testing.TB, b chain.Backend, st *chain.Store, key *ecdsa.PrivateKey, chainID *big.Int, cfg chain.Config) *chain.TxManager {
	t.Helper()
	m, err := chain.NewTxManager(b, st, key, chainID, cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Stop(context.Background()) })
	return m
}

func waitJob(t testing.TB, m *chain.TxManager, id string) chain.JobStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := m.Wait(ctx, id)
	if err != nil {
		t.Fatalf("job %s: %v (%+v)", id, err, st)
	}
	return st
}

// recipient is a fresh address per job, so its balance counts the job's
// transfers.
func recipient(i int) common.Address {
	return common.BytesToAddress(big.NewInt(int64(0xfab0000 + i)).Bytes())
}

func nonceOf(t testing.TB, cl chain.Backend, a common.Address) uint64 {
	t.Helper()
	n, err := cl.NonceAt(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Many goroutines submit at once (each job twice): every job gets its own
// nonce, the nonces are consecutive, each transfer happens exactly once,
// and the account's nonce moves by the number of jobs.
func TestTxManagerConcurrentSubmits(t *testing.T) {
	e := newEnv(t)
	st := openStore(t, "")
	start := nonceOf(t, e.cl, addr(hostKey))
	m := startManager(t, e.cl, st, hostKey, e.chainID, chain.Config{Confirmations: 1, ReceiptPoll: 5 * time.Millisecond})
	mining(t, e.sim)

	const n = 30
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := i % n
			errs <- m.Submit(context.Background(), fmt.Sprintf("pay-%d", j), recipient(j), nil, big.NewInt(int64(1000+j)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Submit(context.Background(), "pay-0", recipient(0), nil, big.NewInt(999)); !errors.Is(err, chain.ErrJobConflict) {
		t.Fatalf("same id, other value: %v, want ErrJobConflict", err)
	}
	seen := map[uint64]string{}
	for j := range n {
		id := fmt.Sprintf("pay-%d", j)
		s := waitJob(t, m, id)
		if s.State != chain.JobMined || !s.Success || !s.Final || !s.HasNonce {
			t.Fatalf("%s: %+v", id, s)
		}
		if other, dup := seen[s.Nonce]; dup {
			t.Fatalf("%s and %s share nonce %d", id, other, s.Nonce)
		}
		seen[s.Nonce] = id
		if s.Nonce < start || s.Nonce >= start+n {
			t.Fatalf("%s: nonce %d outside %d..%d", id, s.Nonce, start, start+n-1)
		}
		if got := e.ethBalance(recipient(j)); got.Int64() != int64(1000+j) {
			t.Fatalf("%s: recipient has %v wei, want %d (paid once)", id, got, 1000+j)
		}
	}
	if got := nonceOf(t, e.cl, addr(hostKey)); got != start+n {
		t.Fatalf("account nonce %d, want %d", got, start+n)
	}
}

// stuckOpts makes the chain mine only transactions that tip at least
// 2 gwei while its fee suggestion says 1 gwei: a transaction sent at the
// suggestion is stuck until it is bumped.
func stuckOpts(_ *node.Config, ec *ethconfig.Config) {
	ec.GPO.MaxPrice = big.NewInt(1_000_000_000)
}

// A transaction the chain will not mine is replaced with the same nonce and
// a higher fee until it is mined; exactly one of the replacements is, and
// the transfer happens once.
func TestTxManagerBumpsAStuckTransaction(t *testing.T) {
	sim := simulated.NewBackend(types.GenesisAlloc{addr(hostKey): {Balance: eth}},
		simulated.WithMinerMinTip(big.NewInt(2_000_000_000)), osaka, stuckOpts)
	t.Cleanup(func() { sim.Close() })
	cl := sim.Client()
	id, _ := cl.ChainID(context.Background())
	tip, err := cl.SuggestGasTipCap(context.Background())
	if err != nil || tip.Cmp(big.NewInt(1_000_000_000)) != 0 {
		t.Fatalf("suggested tip %v (%v), want 1 gwei for the test to mean anything", tip, err)
	}
	m := startManager(t, cl, openStore(t, ""), hostKey, id, chain.Config{Confirmations: 1,
		ReceiptPoll: 5 * time.Millisecond, BumpAfter: 30 * time.Millisecond})
	mining(t, sim)
	if err := m.Submit(context.Background(), "stuck", recipient(1), nil, big.NewInt(12345)); err != nil {
		t.Fatal(err)
	}
	s := waitJob(t, m, "stuck")
	if !s.Success || s.Sends < 2 || len(s.Hashes) != s.Sends {
		t.Fatalf("status %+v: want a success after at least one bump", s)
	}
	minedTx, _, err := cl.TransactionByHash(context.Background(), s.TxHash)
	if err != nil {
		t.Fatal(err)
	}
	if minedTx.GasTipCap().Cmp(big.NewInt(2_000_000_000)) < 0 || minedTx.Nonce() != s.Nonce {
		t.Fatalf("mined tip %v nonce %d", minedTx.GasTipCap(), minedTx.Nonce())
	}
	for _, h := range s.Hashes {
		if h == s.TxHash {
			continue
		}
		if _, err := cl.TransactionReceipt(context.Background(), h); !errors.Is(err, ethereum.NotFound) {
			t.Fatalf("replaced transaction %s has a receipt (%v): mined twice", h, err)
		}
	}
	if got := sim.Client(); nonceOf(t, got, addr(hostKey)) != 1 {
		t.Fatalf("account nonce %d, want 1", nonceOf(t, got, addr(hostKey)))
	}
	var bal *big.Int
	if bal, err = cl.BalanceAt(context.Background(), recipient(1), nil); err != nil || bal.Int64() != 12345 {
		t.Fatalf("recipient %v (%v), want 12345 once", bal, err)
	}
	t.Logf("mined after %d transactions, tip %v", s.Sends, minedTx.GasTipCap())
}

// A job whose gas estimation reverts fails with the decoded reason, and
// takes no nonce: the next job gets it.
func TestTxManagerFailsARevertingJobWithoutSending(t *testing.T) {
	e := newEnv(t)
	m := startManager(t, e.cl, openStore(t, ""), hostKey, e.chainID, chain.Config{Confirmations: 1, ReceiptPoll: 5 * time.Millisecond})
	mining(t, e.sim)
	start := nonceOf(t, e.cl, addr(hostKey))
	if err := m.Submit(context.Background(), "withdraw-nothing", e.escrowAddr, escrowABI.PackWithdraw(common.Address{}), nil); err != nil {
		t.Fatal(err)
	}
	s := waitJob(t, m, "withdraw-nothing")
	if s.State != chain.JobFailed || s.HasNonce || s.Sends != 0 {
		t.Fatalf("status %+v", s)
	}
	if want := "NothingToWithdraw"; !strings.Contains(s.Reason, want) {
		t.Fatalf("reason %q lacks %q", s.Reason, want)
	}
	if err := m.Submit(context.Background(), "pay", recipient(2), nil, big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	if s := waitJob(t, m, "pay"); s.Nonce != start || !s.Success {
		t.Fatalf("next job %+v, want nonce %d", s, start)
	}
}

// Killed between signing and sending, and between sending and the receipt,
// the manager resumes from its store: it sends the very transactions it
// had signed (same nonce, same hash) and no other, and loses no job.
func TestTxManagerResumesAfterRestartWithoutSendingTwice(t *testing.T) {
	n := newNetEnv(t)
	path := filepath.Join(t.TempDir(), "chain.db")
	cfg := chain.Config{Confirmations: 2, ReceiptPoll: 5 * time.Millisecond, BumpAfter: time.Hour, RPCTimeout: time.Second}
	start := nonceOf(t, n.cl, addr(hostKey))
	ctx := context.Background()

	// Run 1: the transaction of job a is signed and stored, but never
	// reaches the node; job q is submitted while the chain is down.
	n.proxy.set(faultDropSend)
	st := openStore(t, path)
	m, _ := chain.NewTxManager(n.dial(t), st, hostKey, n.chainID, cfg, testLog(t))
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Submit(ctx, "a", recipient(10), nil, big.NewInt(10)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "job a signed and its send dropped", 10*time.Second, func() bool {
		s, _ := m.Status("a")
		return s.State == chain.JobSent && n.proxy.faults.Load() > 0
	})
	n.proxy.set(faultDown)
	if err := m.Submit(ctx, "q", recipient(11), nil, big.NewInt(11)); err != nil {
		t.Fatal(err)
	}
	a1, _ := m.Status("a")
	m.Stop(ctx)
	st.Close()
	if _, _, err := n.cl.TransactionByHash(ctx, a1.TxHash); !errors.Is(err, ethereum.NotFound) {
		t.Fatalf("job a's transaction reached the node before the crash: %v", err)
	}

	// Run 2: a is sent again (its answer lost), b is sent and its answer
	// lost too; nothing is mined before the next crash.
	n.proxy.set(faultLoseReply)
	st = openStore(t, path)
	m, _ = chain.NewTxManager(n.dial(t), st, hostKey, n.chainID, cfg, testLog(t))
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Submit(ctx, "b", recipient(12), nil, big.NewInt(12)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "jobs a, b and q reach the node", 10*time.Second, func() bool {
		for _, h := range []string{"a", "b", "q"} {
			s, _ := m.Status(h)
			if !s.HasNonce {
				return false
			}
			if _, _, err := n.cl.TransactionByHash(ctx, s.TxHash); err != nil {
				return false
			}
		}
		return true
	})
	before := map[string]chain.JobStatus{}
	for _, h := range []string{"a", "b", "q"} {
		before[h], _ = m.Status(h)
	}
	m.Stop(ctx)
	st.Close()
	if before["a"].TxHash != a1.TxHash || before["a"].Nonce != a1.Nonce {
		t.Fatalf("run 2 signed job a again: %s/%d, first %s/%d", before["a"].TxHash, before["a"].Nonce, a1.TxHash, a1.Nonce)
	}

	// Run 3: a healthy chain. Everything is mined once.
	n.proxy.set(faultNone)
	sends := n.proxy.count("eth_sendRawTransaction")
	st = openStore(t, path)
	t.Cleanup(func() { st.Close() })
	m = startManager(t, n.dial(t), st, hostKey, n.chainID, cfg)
	if err := m.Submit(ctx, "b", recipient(12), nil, big.NewInt(12)); err != nil { // a repeat: no-op
		t.Fatal(err)
	}
	mining(t, n.sim)
	for i, h := range []string{"a", "q", "b"} {
		s := waitJob(t, m, h)
		if !s.Success || s.TxHash != before[h].TxHash || s.Nonce != before[h].Nonce || s.Sends != 1 {
			t.Fatalf("job %s: %+v, want its transaction of run 2 (%s, nonce %d), signed once", h, s, before[h].TxHash, before[h].Nonce)
		}
		if got := n.ethBalance(recipient(10 + []int{0, 1, 2}[i])); got.Int64() != int64(10+[]int{0, 1, 2}[i]) {
			t.Fatalf("job %s: recipient has %v", h, got)
		}
	}
	if got := nonceOf(t, n.cl, addr(hostKey)); got != start+3 {
		t.Fatalf("account nonce %d, want %d: one transaction per job", got, start+3)
	}
	t.Logf("sends through the proxy: %d before run 3, %d after", sends, n.proxy.count("eth_sendRawTransaction"))
}

// With the endpoint down, answering 502, answering JSON-RPC errors, or too
// slow for the call timeout, jobs wait; once it recovers each is mined once.
func TestTxManagerSurvivesRPCFaults(t *testing.T) {
	n := newNetEnv(t)
	cfg := chain.Config{Confirmations: 1, ReceiptPoll: 5 * time.Millisecond, BumpAfter: time.Hour, RPCTimeout: 150 * time.Millisecond}
	m := startManager(t, n.dial(t), openStore(t, ""), hostKey, n.chainID, cfg)
	mining(t, n.sim)
	start := nonceOf(t, n.cl, addr(hostKey))
	ctx := context.Background()
	var ids []string
	for k, mode := range []string{faultDown, faultHTTP, faultRPCError, faultSlow} {
		n.proxy.set(mode)
		f0 := n.proxy.faults.Load()
		for i := range 3 {
			id := fmt.Sprintf("%s-%d", mode, i)
			ids = append(ids, id)
			if err := m.Submit(ctx, id, recipient(100+3*k+i), nil, big.NewInt(int64(100+3*k+i))); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(600 * time.Millisecond)
		if n.proxy.faults.Load() == f0 {
			t.Fatalf("%s: the proxy broke no request", mode)
		}
		for _, id := range ids[len(ids)-3:] {
			if s, _ := m.Status(id); s.State == chain.JobMined {
				t.Fatalf("%s: job %s mined through a broken endpoint", mode, id)
			}
		}
		n.proxy.set(faultNone)
		for _, id := range ids {
			if s := waitJob(t, m, id); !s.Success {
				t.Fatalf("%s: %+v", id, s)
			}
		}
	}
	for k := range 12 {
		if got := n.ethBalance(recipient(100 + k)); got.Int64() != int64(100+k) {
			t.Fatalf("recipient %d has %v, want %d once", k, got, 100+k)
		}
	}
	if got := nonceOf(t, n.cl, addr(hostKey)); got != start+12 {
		t.Fatalf("account nonce %d, want %d", got, start+12)
	}
}

// A mined job that a reorg drops goes back to sent and is mined again in
// the new chain, once, with the same transaction.
func TestTxManagerResendsAfterAReorg(t *testing.T) {
	e := newEnv(t)
	m := startManager(t, e.cl, openStore(t, ""), hostKey, e.chainID, chain.Config{Confirmations: 3, ReceiptPoll: 5 * time.Millisecond, BumpAfter: time.Hour})
	parent := e.sim.Commit()
	if err := m.Submit(context.Background(), "r", recipient(20), nil, big.NewInt(20)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the job sent", 10*time.Second, func() bool { s, _ := m.Status("r"); return s.State == chain.JobSent })
	// The pool may take a sent transaction in a moment after it answered:
	// the block must not be sealed before.
	eventually(t, "the transaction pending", 10*time.Second, func() bool {
		n, err := e.cl.PendingTransactionCount(context.Background())
		return err == nil && n > 0
	})
	e.sim.Commit()
	eventually(t, "the job mined", 10*time.Second, func() bool { s, _ := m.Status("r"); return s.State == chain.JobMined })
	first, _ := m.Status("r")
	if err := e.sim.Fork(parent); err != nil {
		t.Fatal(err)
	}
	e.sim.Rollback()
	e.sim.Commit()
	e.sim.Commit() // the side chain is longer: the job's block is gone
	// The manager sees the job's block go: the job is sent again, or (when
	// the pool took the dropped transaction back first) mined elsewhere.
	eventually(t, "the reorg seen", 10*time.Second, func() bool {
		s, _ := m.Status("r")
		return s.State == chain.JobSent || s.Receipt != nil && s.Receipt.BlockHash != first.Receipt.BlockHash
	})
	mining(t, e.sim)
	s := waitJob(t, m, "r")
	if !s.Success || s.TxHash != first.TxHash || s.Sends != 1 || s.Receipt.BlockHash == first.Receipt.BlockHash {
		t.Fatalf("after the reorg %+v, first %+v", s, first)
	}
	if got := e.ethBalance(recipient(20)); got.Int64() != 20 {
		t.Fatalf("recipient %v, want 20", got)
	}
}

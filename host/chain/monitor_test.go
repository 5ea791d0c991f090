package chain_test

import (
	"context"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

func startMonitor(t testing.TB, b chain.Backend, st *chain.Store, host common.Address, chainID *big.Int, cfg chain.Config) *chain.Monitor {
	t.Helper()
	m, err := chain.NewMonitor(b, st, host, chainID, cfg, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Stop(context.Background()) })
	return m
}

func (e *env) headNumber() uint64 {
	e.t.Helper()
	n, err := e.cl.BlockNumber(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitSession waits until the monitor's view of id satisfies cond.
func waitSession(t testing.TB, m *chain.Monitor, id *big.Int, what string, cond func(chain.Session, bool) bool) chain.Session {
	t.Helper()
	var s chain.Session
	eventually(t, what, 10*time.Second, func() bool {
		var ok bool
		s, ok = m.Session(id)
		return cond(s, ok)
	})
	return s
}

// The monitor, polling over HTTP, follows this host's sessions through
// every transition (open, confirmations, close, settle, skipped, refund),
// ignores other hosts' sessions, and lists the open ones by SettleBy.
func TestMonitorFollowsTheHostsSessions(t *testing.T) {
	n := newNetEnv(t)
	host := addr(hostKey)
	mon := startMonitor(t, n.dial(t), openStore(t, ""), host, n.chainID, chain.Config{
		Escrow: n.escrowAddr, Confirmations: 3, PollInterval: 10 * time.Millisecond, StartBlock: n.headNumber()})
	<-mon.Synced()

	t1 := n.terms(host)
	s1, r1 := n.open(clientKey, t1)
	foreign, _ := n.open(client2Key, n.terms(addr(host2Key)))
	t3 := n.terms(host)
	t3.Expiry += 100
	t3.SessionKey = addr(sessKey)
	s3, _ := n.open(client2Key, t3)

	v := waitSession(t, mon, s1, "session 1 seen", func(_ chain.Session, ok bool) bool { return ok })
	if v.Depositor != addr(clientKey) || v.Host != host || v.ModelID != t1.ModelId || v.Deposit.Cmp(t1.Deposit) != 0 ||
		v.InputPrice.Cmp(t1.InputPrice) != 0 || v.OutputPrice.Cmp(t1.OutputPrice) != 0 || v.CreditWindow != t1.CreditWindow ||
		v.Expiry != t1.Expiry || v.State != chain.SessionOpen || v.Deadline != t1.Expiry || v.SettleBy != t1.Expiry+testDisputeWindow ||
		v.OpenedBlock != r1.BlockNumber.Uint64() || v.OpenedTx != r1.TxHash {
		t.Fatalf("session 1 view %+v, terms %+v", v, t1)
	}
	v3 := waitSession(t, mon, s3, "session 3 seen", func(_ chain.Session, ok bool) bool { return ok })
	if v3.SessionKey != addr(sessKey) || v3.Depositor != addr(client2Key) {
		t.Fatalf("session 3 view %+v", v3)
	}
	if _, ok := mon.Session(foreign); ok {
		t.Fatal("another host's session is in the view")
	}
	// Session 1 was opened 3 blocks ago (s1, foreign, s3): 3 confirmations.
	v = waitSession(t, mon, s1, "session 1 confirmed", func(s chain.Session, _ bool) bool { return s.Confirmations == 3 })
	if !v.Confirmed || !v.Usable(n.now()) {
		t.Fatalf("session 1 with 3 confirmations: %+v", v)
	}
	if v3, _ = mon.Session(s3); v3.Confirmed || v3.Confirmations != 1 {
		t.Fatalf("session 3, one block old, confirmed: %+v", v3)
	}

	// The client closes session 1.
	r := n.must(clientKey, n.escrow, escrowABI.PackClose(s1), nil)
	ev, _ := escrowABI.UnpackSessionClosingEvent(r.Logs[0])
	v = waitSession(t, mon, s1, "session 1 closing", func(s chain.Session, _ bool) bool { return s.State == chain.SessionClosing })
	if v.Deadline != ev.Deadline || v.SettleBy != ev.SettleBy || v.Usable(n.now()) {
		t.Fatalf("closing view %+v, event %+v", v, ev)
	}
	open := mon.OpenSessions()
	if len(open) != 2 || open[0].ID.Cmp(s1) != 0 || open[1].ID.Cmp(s3) != 0 {
		t.Fatalf("open sessions %v, want s1 (settle by %d) then s3", ids(open), v.SettleBy)
	}

	// The host settles session 3 on a receipt, then a batch skips it.
	outChain := chain.OutputChainOf([]byte("hello"))
	rc, sig := n.signedReceipt(sessKey, s3, 100, 50, outChain)
	n.must(hostKey, n.escrow, escrowABI.PackSettle(chain.NewSettlement(rc, sig, nil, nil)), nil)
	v3 = waitSession(t, mon, s3, "session 3 settled", func(s chain.Session, _ bool) bool { return s.State == chain.SessionSettled })
	want := chain.SplitPayment(t3.Deposit, t3.InputPrice, t3.OutputPrice, 100, 50, testFeeBps)
	if st := v3.Settlement; st == nil || st.InputTokens != 100 || st.OutputTokens != 50 || st.OutputChain != outChain ||
		st.HostAmount.Cmp(want.HostAmount) != 0 || st.Fee.Cmp(want.Fee) != 0 || st.Refund.Cmp(want.Refund) != 0 {
		t.Fatalf("settlement %+v, want %+v", v3.Settlement, want)
	}
	n.must(hostKey, n.escrow, escrowABI.PackSettleMany(
		[]bindings.SessionEscrowSettlement{chain.NewSettlement(chain.Receipt{SessionID: s3}, nil, nil, nil)}), nil)
	waitSession(t, mon, s3, "session 3's skipped entry", func(s chain.Session, _ bool) bool { return s.Skipped == 1 })

	// Nobody settles session 1 by its SettleBy: it is refunded.
	n.advance(testDisputeWindow + 10)
	n.must(otherKey, n.escrow, escrowABI.PackRefund(s1), nil)
	v = waitSession(t, mon, s1, "session 1 refunded", func(s chain.Session, _ bool) bool { return s.State == chain.SessionRefunded })
	if v.Refund.Cmp(t1.Deposit) != 0 {
		t.Fatalf("refund %v, want %v", v.Refund, t1.Deposit)
	}
	if open := mon.OpenSessions(); len(open) != 0 {
		t.Fatalf("open sessions after settle and refund: %v", ids(open))
	}
}

func ids(ss []chain.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID.String())
	}
	return out
}

// After a restart the monitor has its sessions from the store at once, and
// reads on from the block after the last one it processed, not from the
// start.
func TestMonitorResumesFromTheStoredBlock(t *testing.T) {
	n := newNetEnv(t)
	host := addr(hostKey)
	path := filepath.Join(t.TempDir(), "chain.db")
	cfg := chain.Config{Escrow: n.escrowAddr, Confirmations: 1, PollInterval: 10 * time.Millisecond, StartBlock: 1}
	st := openStore(t, path)
	mon := startMonitor(t, n.dial(t), st, host, n.chainID, cfg)
	s1, _ := n.open(clientKey, n.terms(host))
	waitSession(t, mon, s1, "session 1", func(_ chain.Session, ok bool) bool { return ok })
	eventually(t, "the monitor at the head", 5*time.Second, func() bool { c, _ := mon.Cursor(); return c == n.headNumber() })
	stopped, _ := mon.Cursor()
	mon.Stop(context.Background())
	st.Close()

	// While it is down: a new session, a close, and empty blocks.
	s2, _ := n.open(clientKey, n.terms(host))
	n.must(clientKey, n.escrow, escrowABI.PackClose(s1), nil)
	for range 20 {
		n.sim.Commit()
	}
	logsBefore := len(n.proxy.getLogsFrom())

	st = openStore(t, path)
	t.Cleanup(func() { st.Close() })
	mon = startMonitor(t, n.dial(t), st, host, n.chainID, cfg)
	if v, ok := mon.Session(s1); !ok || v.State != chain.SessionOpen {
		t.Fatalf("right after the restart session 1 is %+v %v, want it open from the store", v, ok)
	}
	<-mon.Synced()
	if _, ok := mon.Session(s2); !ok {
		t.Fatal("session 2, opened while the monitor was down, is missing")
	}
	if v, _ := mon.Session(s1); v.State != chain.SessionClosing {
		t.Fatalf("session 1 is %v, want closing", v.State)
	}
	from := n.proxy.getLogsFrom()[logsBefore:]
	if len(from) == 0 || from[0] != stopped+1 {
		t.Fatalf("after the restart eth_getLogs started at %v, want block %d", from, stopped+1)
	}
}

// A reorg that drops the block with a session's opening takes the session
// out of the view (polling over HTTP, which sees no Removed logs: the
// monitor finds the reorg by its block hashes). The id the escrow gives
// again on the new chain, to another host's session, stays out.
func TestMonitorReorgDropsASession(t *testing.T) {
	n := newNetEnv(t)
	host := addr(hostKey)
	mon := startMonitor(t, n.dial(t), openStore(t, ""), host, n.chainID, chain.Config{
		Escrow: n.escrowAddr, Confirmations: 2, PollInterval: 10 * time.Millisecond, StartBlock: 1})
	keep, _ := n.open(clientKey, n.terms(host))
	parent := n.headNumber()
	parentHash := n.header(parent).Hash()
	dropped, _ := n.open(clientKey, n.terms(host))
	n.sim.Commit()
	waitSession(t, mon, dropped, "the session seen", func(s chain.Session, ok bool) bool { return ok && s.Confirmed })

	if err := n.sim.Fork(parentHash); err != nil {
		t.Fatal(err)
	}
	n.sim.Rollback()
	for range 3 { // longer than the old chain above parent (2 blocks)
		n.sim.Commit()
	}
	waitSession(t, mon, dropped, "the dropped session to leave the view", func(_ chain.Session, ok bool) bool { return !ok })
	if _, ok := mon.Session(keep); !ok {
		t.Fatal("the session below the fork left the view")
	}
	// The new chain gives the same id to another host's session.
	again, _ := n.open(client2Key, n.terms(addr(host2Key)))
	if again.Cmp(dropped) != 0 {
		t.Fatalf("the new chain's session got id %v, the dropped one had %v", again, dropped)
	}
	n.sim.Commit()
	eventually(t, "the monitor at the head", 5*time.Second, func() bool { c, _ := mon.Cursor(); return c == n.headNumber() })
	if s, ok := mon.Session(dropped); ok {
		t.Fatalf("id %v, now another host's session, is in the view: %+v", dropped, s)
	}
}

func (e *env) header(n uint64) *types.Header {
	e.t.Helper()
	h, err := e.cl.HeaderByNumber(e.ctx, new(big.Int).SetUint64(n))
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// Over a client that pushes logs (the simulated node's own), with polling
// too slow to matter, a reorg's Removed logs take the session out.
func TestMonitorHonoursRemovedLogs(t *testing.T) {
	e := newEnv(t)
	host := addr(hostKey)
	mon := startMonitor(t, e.cl, openStore(t, ""), host, e.chainID, chain.Config{
		Escrow: e.escrowAddr, Confirmations: 1, PollInterval: time.Hour})
	<-mon.Synced()
	time.Sleep(100 * time.Millisecond) // the subscription is up
	parentHash := e.header(e.headNumber()).Hash()
	id, _ := e.open(clientKey, e.terms(host))
	waitSession(t, mon, id, "the pushed session", func(_ chain.Session, ok bool) bool { return ok })
	if err := e.sim.Fork(parentHash); err != nil {
		t.Fatal(err)
	}
	e.sim.Rollback()
	e.sim.Commit()
	e.sim.Commit()
	waitSession(t, mon, id, "the Removed log to take the session out", func(_ chain.Session, ok bool) bool { return !ok })
}

package client

import "github.com/ethereum/go-ethereum/common"

// State is what a client keeps between processes to go on with a session
// (`fabnode client session chat` saves it in its session file): the last
// nonce it used, its output chain over everything it received on the
// session, and the last state it countersigned. A client that starts
// again without it cannot countersign the node's next receipt request,
// whose chain extends what was delivered before.
type State struct {
	Nonce       uint64
	OutputChain common.Hash
	Receipted   Receipt
}

// State is the session's state now.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return State{Nonce: s.nonce, OutputChain: s.chain, Receipted: s.receipted}
}

// Restore takes up a saved state. The nonce only moves forward: a nonce
// below the clock-based one NewSession chose is never used again.
func (s *Session) Restore(st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonce = max(s.nonce, st.Nonce)
	s.chain, s.receipted = st.OutputChain, st.Receipted
}

// Package client is the Go client of a paid fabnode: it opens and closes
// escrow sessions on the chain (Wallet), and sends chat requests on a
// session over the node's OpenAI-compatible HTTP API, signing each
// request and countersigning what it received as it arrives (Session).
// The same sessions pay over libp2p: a Session, or Sessions with one per
// host, is the Payer of a host/p2p/client Client, and receipts then
// travel on the request's own stream.
//
// The client keeps its own output hash chain over the text pieces it got
// (chain.NextOutputChain) and signs a receipt only for a state whose
// chain equals its own: a node cannot get a receipt for output it did not
// deliver. Receipts are cumulative, so the client pays exactly for what
// it countersigned; the node may add at most the session's credit window
// beyond the last receipt (host/chain/SETTLEMENT.md).
package client

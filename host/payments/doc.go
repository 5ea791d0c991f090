// Package payments is the request path's payment step for sessions
// escrowed on an EVM chain (host/chain): it implements
// inference.Payments, the same for every transport.
//
// A paid request carries Credentials: a session id, a nonce and the
// client's signature (the depositor's, or the session key's) over them
// and the body's hash (chain.Request, EIP-712 under the escrow's
// domain). Before serving, the node checks on its own view of the chain
// that the session exists with enough confirmations, is open long enough
// to settle, names this host and the requested model, pays in a token the
// node accepts at prices at least its quote, and has deposit left for the
// most the request can cost; that the signer is the depositor or its
// session key; and that the nonce was never seen. Each failure is its own
// *inference.Error: KindPaymentRequired for missing or insufficient
// payment, KindPaymentRefused for a session that is not the caller's, or
// a replay.
//
// While it streams, the node keeps a per-session ledger of what it
// delivered: input and output tokens and the output hash chain over the
// delivered pieces (chain.NextOutputChain). The client countersigns
// cumulative receipts (Receive); when the tokens it has not countersigned
// would pass the session's credit window, delivery waits for a receipt
// (Notice asks for one) and ends if none comes. Receipts and nonces are
// persisted (bbolt) before they count, so a crash loses no countersigned
// token. The Settler settles sessions on their highest receipt, plus a
// host checkpoint for at most the credit window of what was delivered
// beyond it, batching sessions per transaction.
package payments

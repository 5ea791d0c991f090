// Package chain is fabnode's Go side of the on-chain payment protocol: the
// EIP-712 typed data of the escrow's usage receipts and host checkpoints
// (build, hash, sign with an ECDSA key, recover), the output hash chain that
// receipts commit to, the escrow's payment arithmetic, and the node's chain
// client: a transaction manager, a session monitor and the operator's
// operations (deploy, register, earnings).
//
// The contracts live in contracts/ (Solidity, compiled with the solc pinned in
// contracts/package.json), their ABI and bytecode in contracts/build/ and
// their abigen v2 bindings in bindings/. `make contracts` regenerates both;
// TestArtifactsUpToDate fails when the committed files are stale.
// SETTLEMENT.md describes the settlement game and what the node must check
// off-chain.
//
// # Receipts and checkpoints
//
// A client (the session's depositor, or the session key it named at open)
// signs cumulative receipts:
//
//	Receipt(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain)
//
// and the host may extend the highest one by at most the session's credit
// window with a checkpoint signed by its own key:
//
//	Checkpoint(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain,bytes32 prevChain)
//
// where prevChain is the receipt's outputChain. Both are signed under the
// domain {name "fabnode-escrow", version "1", chainId, verifyingContract = the
// escrow}, so a signature is valid for one session of one escrow on one chain.
// Signatures are 65 bytes r‖s‖v with v ∈ {27, 28} and a low s, as
// OpenZeppelin's ECDSA requires; Sign produces them and Recover accepts only
// them.
//
// # Output hash chain
//
// outputChain commits to the output delivered so far, chunk by chunk:
//
//	chain_0 = 0x00…00 (32 zero bytes)
//	chain_k = keccak256(chain_{k-1} ‖ keccak256(chunk_k))
//
// where chunk_k is the k-th delivered output chunk as raw bytes (for a
// stream, the UTF-8 bytes of each delta's text exactly as sent; the node and
// the client must agree on the chunking, and both fold every chunk in
// delivery order). NextOutputChain computes one step; OutputChainOf a whole
// sequence. The contract does not recompute the chain: it only requires that
// a checkpoint's prevChain equals the receipt's outputChain, so the chain is
// evidence of what was delivered and the link between a checkpoint and the
// client's last countersigned state.
//
// # Chain client
//
// Open dials any JSON-RPC endpoint (Dial: http, https, ws, wss or IPC; the
// chain id it serves must be the configured one, see Networks for the
// presets local 1337, base-sepolia 84532 and base 8453), opens the node's
// Store (a bbolt file per chain id in data_dir, StorePath) and builds the two
// node services, which Chain.Services returns in start order:
//
//   - TxManager sends the node's transactions. A job has a caller-chosen id
//     (Submit of the same id again is a no-op); its state is queued, sent,
//     mined (successful or reverted, with the decoded reason) or failed
//     (never sent: its gas estimation reverted), and final once mined with
//     Config.Confirmations. Wait blocks until a job is final, OnEnd reports
//     every job that becomes final. It keeps its own nonce counter (moved on
//     to the chain's pending nonce when another sender used the key), pays
//     EIP-1559 fees, replaces a transaction not mined after BumpAfter with
//     the same nonce and 20% more, polls receipts every ReceiptPoll, backs
//     off on RPC errors, and persists each signed transaction before sending
//     it, so a restart sends the same bytes again and never a second
//     transaction for a job. A reorg that drops a mined job sends it again;
//     a nonce another transaction took is re-signed only once that is
//     Confirmations deep.
//   - Monitor follows the escrow's events that name the node (SessionOpened,
//     SessionClosing, SessionSettled, SessionRefunded) and SettlementSkipped
//     of its sessions, polling eth_getLogs over ranges and, where the endpoint
//     pushes logs, subscribing too. Logs are stored per session and
//     identified by (block hash, log index); the view is folded from them, so
//     a log that a reorg removed (Removed, or found by the block hashes each
//     poll checks) leaves it, and a session whose opening is gone leaves the
//     view. It resumes from the last block it processed. Session and
//     OpenSessions answer from memory, safe for concurrent use; a session is
//     Confirmed once its opening has Config.Confirmations blocks.
//
// Deploy, Register, Earnings, TokenInfo and Withdraw are what `fabnode
// chain deploy|register` and `fabnode earnings [withdraw]` do. RPC errors
// are logged with the endpoint reduced to scheme and host (RedactRPC):
// hosted endpoints carry API keys in their URLs.
//
// The tests run the client against go-ethereum's simulated backend, in
// process and over real HTTP (the simulated node's own JSON-RPC server)
// behind a reverse proxy that injects faults.
package chain

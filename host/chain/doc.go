// Package chain is fabnode's Go side of the on-chain payment protocol: the
// EIP-712 typed data of the escrow's usage receipts and host checkpoints
// (build, hash, sign with an ECDSA key, recover), the output hash chain that
// receipts commit to, and the escrow's payment arithmetic.
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
package chain

// Package bindings holds the abigen v2 Go bindings of the fabnode contracts
// (host/chain/contracts): SessionEscrow, NodeRegistry and ModelRegistry, the
// TestToken ERC-20 for tests and dev chains, and the hostile test contracts
// BadToken and TestWallet.
//
// The *_gen.go files are generated: do not edit them. `make contracts`
// recompiles the Solidity sources with the pinned solc and regenerates them
// with the abigen pinned as a tool in go.mod (`go tool abigen --v2`). The test
// TestArtifactsUpToDate in package chain fails when they are stale.
//
// Use them with the v2 runtime, github.com/ethereum/go-ethereum/accounts/abi/bind/v2:
//
//	escrow := bindings.NewSessionEscrow()
//	c := escrow.Instance(client, address)
//	tx, err := bind.Transact(c, opts, escrow.PackSettle(s))
package bindings

// Package devchain runs an EVM chain in-process for development and
// tests: go-ethereum's simulated backend on the forks live on Ethereum and
// Base (through Osaka; its default also enables draft forks whose gas
// repricing would make every figure meaningless), serving JSON-RPC on a
// loopback port, with fabnode's contracts deployed, a test token, and
// funded development accounts. It mines a block as soon as a transaction
// is pending and one every Period besides, so chain time moves and
// confirmations accrue.
//
// It links go-ethereum's whole node (several minutes to build, tens of MB),
// so only `fabnode-devchain` (host/cmd/fabnode-devchain, which `make run`
// starts) and tests import it, never the node binary.
//
// Its keys are derived from public names: never send real value to them.
package devchain

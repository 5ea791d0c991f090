package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/fabnode/fabnode/host/chain/bindings"
)

// Backend is what the chain client needs of a JSON-RPC endpoint. An
// *ethclient.Client over any endpoint has it (and so has the simulated
// backend's client in tests).
type Backend interface {
	bind.ContractBackend
	ethereum.ChainIDReader
	ethereum.BlockNumberReader
	ethereum.ChainStateReader
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
}

// Dial connects to a JSON-RPC endpoint (http, https, ws, wss or an IPC path)
// and checks that it serves chain wantID (nil: any). The client's HTTP calls
// time out after timeout (0: DefaultRPCTimeout); callers also bound each call
// with a context.
func Dial(ctx context.Context, endpoint string, wantID *big.Int, timeout time.Duration) (*ethclient.Client, *big.Int, error) {
	if err := CheckRPC(endpoint); err != nil {
		return nil, nil, err
	}
	if timeout <= 0 {
		timeout = DefaultRPCTimeout
	}
	rc, err := rpc.DialOptions(ctx, endpoint, rpc.WithHTTPClient(&http.Client{Timeout: timeout}))
	if err != nil {
		return nil, nil, fmt.Errorf("chain rpc %s: %w", RedactRPC(endpoint), err)
	}
	cl := ethclient.NewClient(rc)
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id, err := cl.ChainID(cctx)
	if err != nil {
		cl.Close()
		return nil, nil, fmt.Errorf("chain rpc %s: eth_chainId: %w", RedactRPC(endpoint), err)
	}
	if wantID != nil && id.Cmp(wantID) != 0 {
		cl.Close()
		return nil, nil, fmt.Errorf("chain rpc %s serves chain %v, but the config says chain %v (chain.network, chain.chain_id)", RedactRPC(endpoint), id, wantID)
	}
	return cl, id, nil
}

// The contract ABIs whose custom errors a revert is decoded against.
var (
	escrowABI = bindings.NewSessionEscrow()
	nodesABI  = bindings.NewNodeRegistry()
	modelsABI = bindings.NewModelRegistry()
)

// RevertData returns the revert data carried by an RPC error (eth_call or
// eth_estimateGas of a call that reverts).
func RevertData(err error) ([]byte, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil, false
	}
	switch d := de.ErrorData().(type) {
	case string:
		return common.FromHex(d), true
	case []byte:
		return d, true
	}
	return nil, false
}

// IsRevert reports whether err is the node saying that the call reverts
// (as opposed to the RPC failing).
func IsRevert(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := RevertData(err); ok {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "execution reverted") || strings.Contains(msg, "revert")
}

// DecodeRevert names a revert: the escrow's or a registry's custom error
// with its arguments (e.g. "SessionNotOpen{SessionId:5}"), Error(string)'s
// message, Panic(uint256)'s code, or the raw data in hex.
func DecodeRevert(data []byte) string {
	if len(data) == 0 {
		return "reverted without data"
	}
	if len(data) >= 4 {
		for _, u := range []func([]byte) (any, error){escrowABI.UnpackError, nodesABI.UnpackError, modelsABI.UnpackError} {
			if v, err := u(data); err == nil && v != nil {
				s := fmt.Sprintf("%T%+v", v, v)
				s = strings.TrimPrefix(s, "*bindings.")
				for _, p := range []string{"SessionEscrow", "NodeRegistry", "ModelRegistry"} {
					s = strings.TrimPrefix(s, p)
				}
				return s
			}
		}
		if reason, err := abi.UnpackRevert(data); err == nil {
			return reason
		}
	}
	return fmt.Sprintf("reverted with data 0x%x", data)
}

// RevertReason is DecodeRevert of err's revert data, or err's message.
func RevertReason(err error) string {
	if raw, ok := RevertData(err); ok {
		return DecodeRevert(raw)
	}
	return err.Error()
}

// callCtx bounds one RPC call.
func callCtx(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

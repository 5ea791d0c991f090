package client

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// Wallet sends a depositor's escrow transactions.
type Wallet struct {
	RPC     *ethclient.Client
	ChainID *big.Int
	Escrow  common.Address
	Key     *ecdsa.PrivateKey // the depositor's
}

// Address is the depositor's account.
func (w *Wallet) Address() common.Address { return crypto.PubkeyToAddress(w.Key.PublicKey) }

// Domain is the escrow's EIP-712 domain.
func (w *Wallet) Domain() chain.Domain { return chain.Domain{ChainID: w.ChainID, Escrow: w.Escrow} }

// Terms are what a client opens a session with.
type Terms struct {
	Host         common.Address
	ModelID      [32]byte // the SHA-256 of the model file
	Token        common.Address
	Deposit      *big.Int
	InputPrice   *big.Int // token base units per token
	OutputPrice  *big.Int
	CreditWindow uint32 // tokens the host may deliver beyond the last receipt
	Expiry       time.Time
	SessionKey   common.Address // signs requests and receipts for this session; zero: the depositor's key
}

var escrowABI = bindings.NewSessionEscrow()

// Open opens a session (paying the deposit in ETH when Token is zero; an
// ERC-20 deposit needs an allowance first) and returns its id once mined.
func (w *Wallet) Open(ctx context.Context, t Terms) (*big.Int, error) {
	data := escrowABI.PackOpen(bindings.SessionEscrowTerms{
		Host: t.Host, ModelId: t.ModelID, Token: t.Token, Deposit: t.Deposit, InputPrice: t.InputPrice,
		OutputPrice: t.OutputPrice, CreditWindow: t.CreditWindow, Expiry: uint64(t.Expiry.Unix()), SessionKey: t.SessionKey,
	})
	var value *big.Int
	if t.Token == (common.Address{}) {
		value = t.Deposit
	}
	r, err := w.send(ctx, data, value)
	if err != nil {
		return nil, fmt.Errorf("opening a session: %w", err)
	}
	for _, l := range r.Logs {
		if ev, err := escrowABI.UnpackSessionOpenedEvent(l); err == nil {
			return ev.SessionId, nil
		}
	}
	return nil, errors.New("opening a session: no SessionOpened event in the receipt")
}

// Close closes a session: the host can still settle what the client
// countersigned within the escrow's dispute window.
func (w *Wallet) Close(ctx context.Context, id *big.Int) error {
	_, err := w.send(ctx, escrowABI.PackClose(id), nil)
	return err
}

// Balance is what the escrow holds for account in token (earnings, fees,
// credited refunds).
func (w *Wallet) Balance(ctx context.Context, account, token common.Address) (*big.Int, error) {
	out, err := w.RPC.CallContract(ctx, ethereum.CallMsg{To: &w.Escrow, Data: escrowABI.PackBalances(account, token)}, nil)
	if err != nil {
		return nil, err
	}
	return escrowABI.UnpackBalances(out)
}

// send signs and sends a call of the escrow and waits for its receipt,
// polling often (go-ethereum's WaitMined polls once a second).
func (w *Wallet) send(ctx context.Context, data []byte, value *big.Int) (*types.Receipt, error) {
	from := w.Address()
	nonce, err := w.RPC.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, err
	}
	head, err := w.RPC.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	tip, err := w.RPC.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	msg := ethereum.CallMsg{From: from, To: &w.Escrow, Data: data, Value: value}
	gas, err := w.RPC.EstimateGas(ctx, msg)
	if err != nil {
		if reason := chain.RevertReason(err); reason != "" {
			return nil, fmt.Errorf("the escrow refuses: %s", reason)
		}
		return nil, err
	}
	if value == nil {
		value = new(big.Int)
	}
	tx, err := types.SignNewTx(w.Key, types.LatestSignerForChainID(w.ChainID), &types.DynamicFeeTx{
		ChainID: w.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas + gas/5,
		To: &w.Escrow, Value: value, Data: data,
	})
	if err != nil {
		return nil, err
	}
	if err := w.RPC.SendTransaction(ctx, tx); err != nil {
		return nil, err
	}
	for {
		r, err := w.RPC.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return r, fmt.Errorf("transaction %s reverted", tx.Hash().Hex())
			}
			return r, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

package chain

import (
	"math/big"

	"github.com/fabnode/fabnode/host/chain/bindings"
)

// Split is how the escrow divides a session's deposit at settlement.
type Split struct {
	Payment    *big.Int // min(deposit, input×inputPrice + output×outputPrice)
	Fee        *big.Int // Payment × feeBps / 10000, rounded down, to the treasury
	HostAmount *big.Int // Payment − Fee, to the host's balance
	Refund     *big.Int // deposit − Payment, to the depositor
}

// SplitPayment computes the escrow's settlement arithmetic, to the wei.
func SplitPayment(deposit, inputPrice, outputPrice *big.Int, inputTokens, outputTokens uint64, feeBps uint16) Split {
	cost := new(big.Int).Mul(new(big.Int).SetUint64(inputTokens), inputPrice)
	cost.Add(cost, new(big.Int).Mul(new(big.Int).SetUint64(outputTokens), outputPrice))
	payment := cost
	if payment.Cmp(deposit) > 0 {
		payment = new(big.Int).Set(deposit)
	}
	fee := new(big.Int).Mul(payment, big.NewInt(int64(feeBps)))
	fee.Quo(fee, big.NewInt(10_000))
	return Split{
		Payment:    payment,
		Fee:        fee,
		HostAmount: new(big.Int).Sub(payment, fee),
		Refund:     new(big.Int).Sub(deposit, payment),
	}
}

// Binding converts r to the escrow binding's type.
func (r Receipt) Binding() bindings.SessionEscrowReceipt {
	return bindings.SessionEscrowReceipt{
		SessionId:    new(big.Int).Set(r.SessionID),
		InputTokens:  r.InputTokens,
		OutputTokens: r.OutputTokens,
		OutputChain:  r.OutputChain,
	}
}

// Binding converts c to the escrow binding's type.
func (c Checkpoint) Binding() bindings.SessionEscrowCheckpoint {
	return bindings.SessionEscrowCheckpoint{
		SessionId:    new(big.Int).Set(c.SessionID),
		InputTokens:  c.InputTokens,
		OutputTokens: c.OutputTokens,
		OutputChain:  c.OutputChain,
		PrevChain:    c.PrevChain,
	}
}

// NewSettlement builds a settle/settleMany entry. A nil receiptSig stands for
// the zero receipt (r must then be zero but for its session id); a nil cp
// means no checkpoint.
func NewSettlement(r Receipt, receiptSig []byte, cp *Checkpoint, checkpointSig []byte) bindings.SessionEscrowSettlement {
	s := bindings.SessionEscrowSettlement{
		Receipt:    r.Binding(),
		ReceiptSig: append([]byte{}, receiptSig...),
		Checkpoint: bindings.SessionEscrowCheckpoint{SessionId: new(big.Int)},
	}
	if cp != nil {
		s.Checkpoint = cp.Binding()
		s.CheckpointSig = append([]byte{}, checkpointSig...)
	}
	return s
}

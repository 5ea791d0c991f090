package api

import (
	"encoding/json"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/payments"
)

// The headers of a paid request: the session, a nonce never used on it
// before, and the depositor's (or session key's) EIP-712 signature over
// chain.Request{session, nonce, keccak256(body)}.
const (
	HeaderSession   = "Fabnode-Session"
	HeaderNonce     = "Fabnode-Nonce"
	HeaderSignature = "Fabnode-Signature"
)

// paymentCredentials reads a paid request's headers; nil when it has none.
func paymentCredentials(h http.Header, body []byte) (*payments.Credentials, *apiError) {
	sid, nonce, sig := h.Get(HeaderSession), h.Get(HeaderNonce), h.Get(HeaderSignature)
	if sid == "" && nonce == "" && sig == "" {
		return nil, nil
	}
	bad := func(header, format string, args ...any) *apiError {
		e := invalid(header, format, args...)
		e.Code = strptr("invalid_payment_header")
		return e
	}
	id, ok := parseSessionID(sid)
	if !ok {
		return nil, bad(HeaderSession, "%s must be a session id (decimal or 0x hex), got %q", HeaderSession, truncate(sid, 80))
	}
	n, err := strconv.ParseUint(nonce, 10, 64)
	if err != nil {
		return nil, bad(HeaderNonce, "%s must be a decimal 64-bit nonce, got %q", HeaderNonce, truncate(nonce, 40))
	}
	s, err := hexutil.Decode(sig)
	if err != nil || len(s) != 65 {
		return nil, bad(HeaderSignature, "%s must be a 0x-prefixed 65-byte signature", HeaderSignature)
	}
	return &payments.Credentials{Session: id, Nonce: n, BodyHash: crypto.Keccak256Hash(body), Signature: s}, nil
}

// parseSessionID reads a uint256 session id, decimal or 0x hex.
func parseSessionID(s string) (*big.Int, bool) {
	if len(s) == 0 || len(s) > 80 {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, 0)
	if !ok || n.Sign() < 0 || n.BitLen() > 256 {
		return nil, false
	}
	return n, true
}

// ReceiptTaker takes clients' receipts (host/payments.Service).
type ReceiptTaker interface {
	Receive(r chain.Receipt, sig []byte) error
}

type receiptJSON struct {
	InputTokens  uint64        `json:"input_tokens"`
	OutputTokens uint64        `json:"output_tokens"`
	OutputChain  common.Hash   `json:"output_chain"`
	Signature    hexutil.Bytes `json:"signature"`
}

// handleReceipt takes a client's receipt for a session:
// POST /v1/sessions/{id}/receipts with its counts, output chain and
// signature. A stream waiting at the credit window goes on once it is in.
func (s *Server) handleReceipt(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Receipts == nil {
		writeError(w, notFound("payments_not_configured", "this node takes no payments"))
		return
	}
	id, ok := parseSessionID(r.PathValue("id"))
	if !ok {
		writeError(w, invalid("id", "the session id in the path must be decimal or 0x hex"))
		return
	}
	body, e := readBody(w, r, 4096, s.cfg.BodyTimeout)
	if e != nil {
		writeError(w, e)
		return
	}
	var rj receiptJSON
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rj); err != nil {
		writeError(w, invalid("", "receipt: %v", err))
		return
	}
	rc := chain.Receipt{SessionID: id, InputTokens: rj.InputTokens, OutputTokens: rj.OutputTokens, OutputChain: rj.OutputChain}
	if err := s.cfg.Receipts.Receive(rc, rj.Signature); err != nil {
		if ie, ok := asInferenceError(err); ok {
			writeError(w, s.refusal(ie))
			return
		}
		writeError(w, &apiError{status: http.StatusInternalServerError, Type: "server_error", Message: "the receipt could not be stored"})
		s.log.Error("storing a receipt", "session", id, "error", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"session": id.String(), "input_tokens": rc.InputTokens, "output_tokens": rc.OutputTokens})
}

package client

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
)

// Session sends paid requests on one escrow session to one node. It is
// safe for concurrent use, but the node serves a session's requests one
// at a time.
type Session struct {
	ID     *big.Int
	Domain chain.Domain
	Signer *ecdsa.PrivateKey // the session key, or the depositor's key
	URL    string            // the node's API, e.g. http://127.0.0.1:8080
	HTTP   *http.Client      // nil: http.DefaultClient
	// OnReceiptRequest, when set, decides whether to countersign a state
	// the node asks a receipt for (already checked against what arrived);
	// nil signs every one.
	OnReceiptRequest func(Receipt) bool

	mu        sync.Mutex
	nonce     uint64
	chain     common.Hash // over every piece this client received on the session
	receipted Receipt
}

// Receipt is the state of a session a receipt countersigns.
type Receipt struct {
	InputTokens  uint64
	OutputTokens uint64
	OutputChain  common.Hash
}

// NewSession returns a client of session id on the node at url. Nonces
// start from the clock, so a restarted client never reuses one.
func NewSession(id *big.Int, domain chain.Domain, signer *ecdsa.PrivateKey, url string) *Session {
	return &Session{ID: id, Domain: domain, Signer: signer, URL: strings.TrimRight(url, "/"), nonce: uint64(time.Now().UnixNano())}
}

// Nonce is the last nonce this client used; SetNonce makes the next
// request use n+1.
func (s *Session) Nonce() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nonce
}

func (s *Session) SetNonce(n uint64) {
	s.mu.Lock()
	s.nonce = n
	s.mu.Unlock()
}

// Receipted is the last state this client countersigned.
func (s *Session) Receipted() Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.receipted
}

// Result is a finished paid request.
type Result struct {
	Text      string
	Finish    string
	Usage     json.RawMessage
	Extension json.RawMessage // fabnode's: quote, cost, commitments, ...
}

// Chat sends an OpenAI chat completion body on the session, streamed
// (stream is set to true), and countersigns what arrives: whenever the
// node asks for a receipt, and for everything at the end. onText, if not
// nil, gets each piece of text.
func (s *Session) Chat(ctx context.Context, body map[string]any, onText func(string)) (*Result, error) {
	body["stream"] = true
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := s.request(ctx, "/v1/chat/completions", raw)
	if err != nil {
		return nil, err
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, responseError(resp)
	}
	res := &Result{}
	var text strings.Builder
	done := false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if line == "[DONE]" {
			done = true
			break
		}
		var ch struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
				FinishReason string `json:"finish_reason"`
			} `json:"choices"`
			Usage   json.RawMessage `json:"usage"`
			Fabnode json.RawMessage `json:"fabnode"`
			Error   *struct {
				Message string `json:"message"`
				Code    string `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &ch); err != nil {
			return res, fmt.Errorf("a stream event that is not JSON: %w", err)
		}
		if ch.Error != nil {
			return res, fmt.Errorf("the node ended the stream: %s (%s)", ch.Error.Message, ch.Error.Code)
		}
		for _, c := range ch.Choices {
			if c.Delta.Content != "" {
				s.received([]byte(c.Delta.Content))
				text.WriteString(c.Delta.Content)
				if onText != nil {
					onText(c.Delta.Content)
				}
			}
			if c.FinishReason != "" {
				res.Finish = c.FinishReason
				res.Extension = ch.Fabnode
			}
		}
		if len(ch.Usage) > 0 && string(ch.Usage) != "null" {
			res.Usage = ch.Usage
		}
		if err := s.answer(ctx, ch.Fabnode); err != nil {
			return res, err
		}
	}
	res.Text = text.String()
	if err := sc.Err(); err != nil {
		return res, err
	}
	if !done {
		return res, errors.New("the stream ended before its end ([DONE])")
	}
	return res, nil
}

func (s *Session) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return http.DefaultClient
}

// request is a POST of body with the session's headers: a fresh nonce and
// the signature over the session, the nonce and keccak256(body).
func (s *Session) request(ctx context.Context, path string, body []byte) (*http.Request, error) {
	nonce, sig, err := s.sign(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", s.URL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Fabnode-Session", s.ID.String())
	req.Header.Set("Fabnode-Nonce", fmt.Sprint(nonce))
	req.Header.Set("Fabnode-Signature", hexutil.Encode(sig))
	return req, nil
}

// sign takes the next nonce and signs (session, nonce, keccak256(body)),
// the credentials of one paid request on any transport.
func (s *Session) sign(body []byte) (nonce uint64, sig []byte, err error) {
	s.mu.Lock()
	s.nonce++
	nonce = s.nonce
	s.mu.Unlock()
	sig, err = s.Domain.SignRequest(chain.Request{SessionID: s.ID, Nonce: nonce, BodyHash: crypto.Keccak256Hash(body)}, s.Signer)
	return nonce, sig, err
}

func (s *Session) received(piece []byte) {
	s.mu.Lock()
	s.chain = chain.NextOutputChain(s.chain, piece)
	s.mu.Unlock()
}

// answer countersigns a receipt request in a fabnode extension, if it
// holds one, after checking it names what this client received.
func (s *Session) answer(ctx context.Context, ext json.RawMessage) error {
	if len(ext) == 0 {
		return nil
	}
	var x struct {
		Req *struct {
			Session      string      `json:"session"`
			InputTokens  uint64      `json:"input_tokens"`
			OutputTokens uint64      `json:"output_tokens"`
			OutputChain  common.Hash `json:"output_chain"`
		} `json:"receipt_request"`
	}
	if json.Unmarshal(ext, &x) != nil || x.Req == nil {
		return nil
	}
	r := Receipt{InputTokens: x.Req.InputTokens, OutputTokens: x.Req.OutputTokens, OutputChain: x.Req.OutputChain}
	if sign, err := s.toSign(x.Req.Session, r); !sign {
		return err
	}
	return s.Receipt(ctx, r)
}

// toSign says whether to countersign r, which the node asked for on
// session: never a state of another session, of output other than what
// this client received, or below what it signed before.
func (s *Session) toSign(session string, r Receipt) (bool, error) {
	s.mu.Lock()
	mine, last := s.chain, s.receipted
	s.mu.Unlock()
	switch {
	case session != s.ID.String():
		return false, fmt.Errorf("the node asked for a receipt of session %s on session %s", session, s.ID)
	case r.OutputChain != mine:
		return false, fmt.Errorf("the node asked for a receipt of output chain %s, but what this client received hashes to %s", r.OutputChain.Hex(), mine.Hex())
	case r.InputTokens < last.InputTokens || r.OutputTokens < last.OutputTokens:
		return false, errors.New("the node asked for a receipt below one already signed")
	case r == last:
		return false, nil
	case s.OnReceiptRequest != nil && !s.OnReceiptRequest(r):
		return false, nil
	}
	return true, nil
}

// signReceipt is the signature of r on this session.
func (s *Session) signReceipt(r Receipt) ([]byte, error) {
	return s.Domain.SignReceipt(chain.Receipt{SessionID: s.ID, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, OutputChain: r.OutputChain}, s.Signer)
}

// took records that the node holds r: the highest such is Receipted.
func (s *Session) took(r Receipt) {
	s.mu.Lock()
	if r.InputTokens >= s.receipted.InputTokens && r.OutputTokens >= s.receipted.OutputTokens {
		s.receipted = r
	}
	s.mu.Unlock()
}

// Receipt countersigns r and sends it to the node.
func (s *Session) Receipt(ctx context.Context, r Receipt) error {
	sig, err := s.signReceipt(r)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(map[string]any{"input_tokens": r.InputTokens, "output_tokens": r.OutputTokens,
		"output_chain": r.OutputChain, "signature": hexutil.Encode(sig)})
	req, err := http.NewRequestWithContext(ctx, "POST", s.URL+"/v1/sessions/"+s.ID.String()+"/receipts", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return responseError(resp)
	}
	s.took(r)
	return nil
}

// Error is a request the node refused.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func responseError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
		return &Error{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	return &Error{Status: resp.StatusCode, Message: strings.TrimSpace(string(b))}
}

package main

import (
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The JavaScript example (examples/client-js, ethers and the openai
// package) pays the node for a chat on the embedded chain (or the
// devnet's geth): it opens a session with a session key, streams through
// the openai client with a fetch that signs the body it sends, verifies
// each receipt request against the output chain it computes and
// countersigns it, and closes. The settlement, the escrow's balances and
// the client's ETH, read from the chain here, add up to the wei, and the
// script's own account of it agrees.
func TestPaidSessionFromJS(t *testing.T) {
	jsDir, _ := filepath.Abs("../../../examples/client-js")
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "openai")); err != nil {
		t.Skip("examples/client-js has no node_modules: `make test` installs them (npm ci)")
	}
	nodeJS, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	e := newPaidEnv(t)
	ck, keyFile := e.newClient(t, 10)
	client := crypto.PubkeyToAddress(ck.PublicKey)
	before := e.balance(t, client)
	summary := filepath.Join(t.TempDir(), "summary.json")
	env := append(os.Environ(), "FABNODE_URL="+e.nodeURL, "FABNODE_RPC="+e.rpcURL, "FABNODE_ESCROW="+e.escrow.Hex(),
		"FABNODE_KEY_FILE="+keyFile, "FABNODE_SUMMARY="+summary, "FABNODE_WINDOW=32", "FABNODE_MAX_TOKENS=60", "FABNODE_DEPOSIT=0.05")
	if e.nodeRegistry != (common.Address{}) {
		// Given a NodeRegistry, the client deposits nothing for an account
		// the registry does not list at this URL.
		cmd := exec.Command(nodeJS, "paid-chat.mjs", "hi")
		cmd.Dir, cmd.Env = jsDir, append(env, "FABNODE_NODE_REGISTRY="+e.nodeRegistry.Hex())
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "refusing to deposit") || !strings.Contains(string(out), "is not registered") {
			t.Fatalf("the JS client with a registry that does not list the node: %v\n%s", err, out)
		}
		if got := e.balance(t, client); got.Cmp(before) != 0 {
			t.Fatalf("the refused client spent %s wei", new(big.Int).Sub(before, got))
		}
	}
	cmd := exec.Command(nodeJS, "paid-chat.mjs", "tell me about the green river")
	cmd.Dir, cmd.Env = jsDir, env
	out, err := cmd.CombinedOutput()
	t.Logf("node paid-chat.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the JS client failed: %v", err)
	}
	var s struct {
		Session   string `json:"session"`
		Depositor string `json:"depositor"`
		Receipted struct {
			InputTokens  uint64      `json:"input_tokens"`
			OutputTokens uint64      `json:"output_tokens"`
			OutputChain  common.Hash `json:"output_chain"`
		} `json:"receipted"`
		Receipts int    `json:"receipts"`
		Gas      string `json:"gas_wei"`
		Settled  struct {
			HostAmount string `json:"host_amount"`
			Refund     string `json:"refund"`
		} `json:"settled"`
		InputPrice  string `json:"input_price"`
		OutputPrice string `json:"output_price"`
	}
	b, _ := os.ReadFile(summary)
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, b)
	}
	if common.HexToAddress(s.Depositor) != client || s.InputPrice != wantInPrice.String() || s.OutputPrice != wantOutPrice.String() {
		t.Fatalf("the script paid from %s at %s/%s wei, want %s at the node's quote", s.Depositor, s.InputPrice, s.OutputPrice, client.Hex())
	}
	// 60 output tokens past a window of 32: receipts mid-stream and at the end.
	if s.Receipted.OutputTokens != 60 || s.Receipts < 3 || !strings.Contains(string(out), "countersigned") {
		t.Fatalf("countersigned %+v in %d receipts, want 60 output tokens in several", s.Receipted, s.Receipts)
	}
	id, _ := new(big.Int).SetString(s.Session, 10)
	e.checkSettled(t, id, client, big.NewInt(5e16), s.Receipted.InputTokens, s.Receipted.OutputTokens, before)
	if ev := e.settlements(t, id)[0]; ev.OutputChain != s.Receipted.OutputChain || ev.HostAmount.String() != s.Settled.HostAmount || ev.Refund.String() != s.Settled.Refund {
		t.Fatalf("the chain settled %+v; the script says %+v", ev, s)
	}
	if gas, _ := e.gasPaid(t, client); gas.String() != s.Gas {
		t.Fatalf("the script counts %s wei of gas, the chain %s", s.Gas, gas)
	}
}

package main

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/node"
)

// A paid chat through the cobra commands, on the embedded chain (or the
// devnet's geth): `client session open` reads the node's account, model
// hash and quote and deposits, with a session key it generates and saves
// beside the session file; two `chat`s, signed by that key,
// each a process of its own in real use, stream answers and countersign
// them, the second going on from the state the first saved; `close` ends
// the session and waits for the node's settlement. The settlement, the
// escrow's balances and the client's ETH add up to the wei.
func TestPaidSessionThroughTheCLI(t *testing.T) {
	e := newPaidEnv(t)
	ck, keyFile := e.newClient(t, 10)
	client := crypto.PubkeyToAddress(ck.PublicKey)
	before := e.balance(t, client)
	dir := t.TempDir()
	sess, skFile := filepath.Join(dir, "session.json"), filepath.Join(dir, "session.key")

	out, err := run(t, "client", "session", "open", "--config", e.cliCfg, "--key", keyFile, "--deposit", "0.05",
		"--window", "32", "--out", sess)
	if err != nil {
		t.Fatalf("open: %v\n%s", err, out)
	}
	for _, want := range []string{"opened session 1 on escrow " + e.escrow.Hex(), "1000000000000 wei per input token, 2000000000000 wei per output token",
		"32 tokens the node may deliver beyond your last receipt: at most 64000000000000 wei at risk", "session key 0x"} {
		if !strings.Contains(out, want) {
			t.Errorf("open says\n%s\nwithout %q", out, want)
		}
	}
	if fi, err := os.Stat(skFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the session key file: %v %v", fi, err)
	}
	var sf sessionFile
	b, _ := os.ReadFile(sess)
	if err := json.Unmarshal(b, &sf); err != nil || sf.Host != e.nodeAddr || sf.Depositor != client || sf.ModelSHA256 != e.modelSHA || sf.InputPrice != wantInPrice.String() || sf.OutputPrice != wantOutPrice.String() {
		t.Fatalf("session file %+v (%v)", sf, err)
	}
	if strings.Contains(string(b), strings.TrimPrefix(mustRead(t, skFile), "0x")[:20]) {
		t.Fatal("the session file holds the session key")
	}

	// Each answer (50 tokens after the prompt) passes the credit window of
	// 32: the node goes on only as the CLI countersigns mid-stream. The
	// second chat starts from the output chain the first saved; the third
	// goes on on the same session over libp2p (`client chat --session`),
	// its receipts on the stream.
	chatRe := regexp.MustCompile(`countersigned (\d+) input \+ (\d+) output tokens = (\d+) wei`)
	var in, outTokens uint64
	chats := [][]string{
		{"client", "session", "chat", "--session", sess, "-m", "tell me about the green river", "--max-tokens", "50"},
		{"client", "session", "chat", "--session", sess, "-m", "and the mountains", "--max-tokens", "50"},
		{"client", "chat", "--bootstrap", e.peerAddr, "--peer", e.peerID, "--session", sess, "-m", "and the sea", "--max-tokens", "50"},
	}
	for i, args := range chats {
		out, err := run(t, args...)
		m := chatRe.FindStringSubmatch(out)
		if err != nil || m == nil {
			t.Fatalf("chat %d: %v\n%s", i, err, out)
		}
		var din, dout uint64
		fmtSscanf(m[1]+" "+m[2], "%d %d", &din, &dout)
		if dout != 50 || din == 0 {
			t.Fatalf("chat %d countersigned %d input and %d output tokens, want 50 output", i, din, dout)
		}
		cost := new(big.Int).Add(new(big.Int).Mul(big.NewInt(int64(din)), wantInPrice), new(big.Int).Mul(big.NewInt(int64(dout)), wantOutPrice))
		if m[3] != cost.String() {
			t.Fatalf("chat %d says it cost %s wei, want %s", i, m[3], cost)
		}
		in, outTokens = in+din, outTokens+dout
	}
	b, _ = os.ReadFile(sess)
	json.Unmarshal(b, &sf)
	if sf.Receipted.InputTokens != in || sf.Receipted.OutputTokens != outTokens || sf.Receipted.OutputChain != sf.OutputChain {
		t.Fatalf("saved state %+v, want %d+%d countersigned up to the chain of what arrived", sf.Receipted, in, outTokens)
	}

	// close needs the wallet key, waits for the settlement and says it.
	if out, err := run(t, "client", "session", "close", "--config", e.cliCfg, "--session", sess); err == nil || !strings.Contains(err.Error(), "no wallet key") {
		t.Fatalf("close without a key: %v\n%s", err, out)
	}
	out, err = run(t, "client", "session", "close", "--config", e.cliCfg, "--key", keyFile, "--session", sess)
	if err != nil || !strings.Contains(out, "settled on your receipt") {
		t.Fatalf("close: %v\n%s", err, out)
	}
	e.checkSettled(t, sf.id(), client, big.NewInt(5e16), in, outTokens, before)
	if _, err := run(t, "client", "session", "chat", "--session", sess, "-m", "more"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("a chat on the closed session: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// The development client key is refused off the development chain id, and
// the key it derives is fabnode-devchain's funded client account.
func TestDevClientKeyIsDevchainsClientAndOnlyForChain1337(t *testing.T) {
	if got, want := crypto.PubkeyToAddress(devClientKey().PublicKey), crypto.PubkeyToAddress(devchain.Client.PublicKey); got != want {
		t.Fatalf("--dev-client-key is %s, devchain's client %s", got.Hex(), want.Hex())
	}
	wf := walletFlags{devKey: true}
	cmd := clientSessionCmd()
	if _, err := wf.signer(cmd, big.NewInt(8453)); err == nil || !strings.Contains(err.Error(), "1337") {
		t.Fatalf("the dev key on chain 8453: %v", err)
	}
	if k, err := wf.signer(cmd, big.NewInt(1337)); err != nil || k.D.Cmp(devClientKey().D) != 0 {
		t.Fatalf("the dev key on chain 1337: %v", err)
	}
}

// Quotes in nano-units become prices in base units, rounded up so that
// they always cover the quote.
func TestPriceFromQuote(t *testing.T) {
	for _, c := range []struct {
		nanos int64
		dec   uint8
		want  string
	}{{1, 18, "1000000000"}, {1000, 18, "1000000000000"}, {0, 18, "0"}, {1, 6, "1"}, {1500, 6, "2"}, {2000, 6, "2"}} {
		if got := node.PriceFromQuote(c.nanos, c.dec).String(); got != c.want {
			t.Errorf("PriceFromQuote(%d, %d) = %s, want %s", c.nanos, c.dec, got, c.want)
		}
	}
	for s, want := range map[string]string{"0.01": "10000000000000000", "0.01eth": "10000000000000000", "5gwei": "5000000000", "1000wei": "1000", "1": "1000000000000000000"} {
		if got, err := parseEther(s); err != nil || got.String() != want {
			t.Errorf("parseEther(%q) = %v %v, want %s", s, got, err, want)
		}
	}
	for _, s := range []string{"0", "-1", "0.5wei", "abc"} {
		if _, err := parseEther(s); err == nil {
			t.Errorf("parseEther(%q) accepted", s)
		}
	}
}

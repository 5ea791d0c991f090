package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	ethnode "github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func testKey(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("fabnode cli test key " + name)))
	if err != nil {
		panic(err)
	}
	return k
}

var (
	cliHostKey   = testKey("host")
	cliClientKey = testKey("client")
	wei1e18      = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
)

// writeFile writes a test file and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// `fabnode key new|import|address` through cobra: the address of a node
// without a key tells what to do, or that the Ed25519 key of earlier
// versions needs replacing; new creates one key and refuses a second;
// import takes a hex key or a keystore JSON file; the password comes from
// FABNODE_KEY_PASSWORD (which the config loader accepts) or a file.
func TestKeyCommands(t *testing.T) {
	t.Setenv(identity.EnvPassword, "cli-pw")
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.hcl", fmt.Sprintf("node {\n  data_dir = %q\n}\n", filepath.Join(dir, "data")))
	if _, err := run(t, "key", "address", "--config", cfg); err == nil || !strings.Contains(err.Error(), "fabnode key new") {
		t.Fatalf("address without a key: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "data"), 0o700)
	seed := strings.Repeat("ab", ed25519.SeedSize)
	writeFile(t, filepath.Join(dir, "data"), "node.key", seed+"\n")
	sd, _ := hex.DecodeString(seed)
	pub := hex.EncodeToString(ed25519.NewKeyFromSeed(sd).Public().(ed25519.PublicKey))
	if _, err := run(t, "key", "address", "--config", cfg); err == nil || !strings.Contains(err.Error(), pub) || !strings.Contains(err.Error(), "cannot be converted") {
		t.Fatalf("address with only the old Ed25519 key: %v", err)
	}

	out, err := run(t, "key", "new", "--lightkdf", "--config", cfg)
	m := regexp.MustCompile(`created the node key (0x[0-9a-fA-F]{40})`).FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, "FABNODE_KEY_PASSWORD") || !strings.Contains(out, pub) {
		t.Fatalf("key new: %v\n%s", err, out)
	}
	if strings.Contains(out, "cli-pw") {
		t.Fatal("key new printed the password")
	}
	if got, err := run(t, "key", "address", "--config", cfg); err != nil || got != m[1]+"\n" {
		t.Fatalf("key address %q %v, want %s and nothing else", got, err, m[1])
	}
	if _, err := run(t, "key", "new", "--lightkdf", "--config", cfg); err == nil || !strings.Contains(err.Error(), m[1]) {
		t.Fatalf("second key new: %v", err)
	}
	loaded, err := config.Load(cfg, nil)
	if err != nil {
		t.Fatalf("the config loader refuses FABNODE_KEY_PASSWORD: %v", err)
	}
	if k, err := node.LoadIdentity(loaded, nil); err != nil || k.Address().Hex() != m[1] {
		t.Fatalf("the node opens %v %v", k, err)
	}

	// import: a hex private key, with the password in a file.
	dir2 := t.TempDir()
	pwFile := writeFile(t, dir2, "pw", "file-pw\n")
	cfg2 := writeFile(t, dir2, "config.hcl", fmt.Sprintf("node {\n  data_dir = %q\n  key_password_file = %q\n}\n", filepath.Join(dir2, "data"), pwFile))
	hexFile := writeFile(t, dir2, "key.hex", "0x"+hex.EncodeToString(crypto.FromECDSA(cliHostKey))+"\n")
	want := crypto.PubkeyToAddress(cliHostKey.PublicKey).Hex()
	if out, err := run(t, "key", "import", hexFile, "--lightkdf", "--config", cfg2); err != nil || !strings.Contains(out, want) || !strings.Contains(out, pwFile) {
		t.Fatalf("import hex: %v\n%s", err, out)
	}
	if got, _ := run(t, "key", "address", "--config", cfg2); got != want+"\n" {
		t.Fatalf("address after import %q, want %s", got, want)
	}

	// import: the keystore file just written, into a third node, with its
	// own password in a file.
	ks, _ := filepath.Glob(filepath.Join(dir2, "data", "keystore", "UTC--*"))
	dir3 := t.TempDir()
	cfg3 := writeFile(t, dir3, "config.hcl", fmt.Sprintf("node {\n  data_dir = %q\n}\n", filepath.Join(dir3, "data")))
	if _, err := run(t, "key", "import", ks[0], "--lightkdf", "--config", cfg3); err == nil || !strings.Contains(err.Error(), "wrong key password") {
		t.Fatalf("import JSON with the node's (wrong) password: %v", err)
	}
	if out, err := run(t, "key", "import", ks[0], "--lightkdf", "--file-password-file", pwFile, "--config", cfg3); err != nil || !strings.Contains(out, want) {
		t.Fatalf("import JSON: %v\n%s", err, out)
	}
	loaded3, _ := config.Load(cfg3, nil)
	t.Setenv(identity.EnvPassword, "not it")
	if _, err := node.LoadIdentity(loaded3, nil); err == nil || !strings.Contains(err.Error(), "wrong key password") {
		t.Fatalf("a wrong password: %v", err)
	}
}

// simOverHTTP is a simulated chain (Osaka rules) serving JSON-RPC over HTTP,
// with the given accounts funded and a block every few milliseconds.
func simOverHTTP(t *testing.T, funded ...*ecdsa.PrivateKey) (*simulated.Backend, string) {
	t.Helper()
	alloc := types.GenesisAlloc{}
	for _, k := range funded {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), wei1e18)}
	}
	osaka := func(_ *ethnode.Config, ec *ethconfig.Config) {
		c := *params.AllDevChainProtocolChanges
		c.AmsterdamTime, c.BogotaTime = nil, nil
		ec.Genesis.Config = &c
	}
	var sim *simulated.Backend
	var port int
	for try := 0; sim == nil; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
		func() {
			defer func() {
				if r := recover(); r != nil && try == 3 {
					t.Fatal(r)
				}
			}()
			sim = simulated.NewBackend(alloc, osaka, func(nc *ethnode.Config, _ *ethconfig.Config) {
				nc.HTTPHost, nc.HTTPPort, nc.HTTPModules = "127.0.0.1", port, []string{"eth", "net", "web3"}
			})
		}()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				sim.Commit()
			}
		}
	}()
	t.Cleanup(func() { close(done); wg.Wait(); sim.Close() })
	return sim, fmt.Sprintf("http://127.0.0.1:%d", port)
}

func sendAs(t *testing.T, sim *simulated.Backend, k *ecdsa.PrivateKey, to common.Address, data []byte, value *big.Int) *types.Receipt {
	t.Helper()
	cl := sim.Client()
	id, _ := cl.ChainID(context.Background())
	opts := bind.NewKeyedTransactor(k, id)
	opts.Value = value
	tx, err := bind.Transact(bindings.NewSessionEscrow().Instance(cl, to), opts, data)
	if err != nil {
		t.Fatal(err)
	}
	for range 2000 {
		if r, err := cl.TransactionReceipt(context.Background(), tx.Hash()); err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("tx reverted")
			}
			return r
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("not mined")
	return nil
}

// `fabnode chain deploy`, `chain register`, `earnings` and `earnings
// withdraw` through cobra against a chain over HTTP, signed by the node key
// from its keystore: the deployment is written into the config, the model
// (by its file's SHA-256) and the node are registered, and a settled
// session's earnings show and are withdrawn to the wei.
func TestChainDeployRegisterAndEarnings(t *testing.T) {
	sim, rpcURL := simOverHTTP(t, cliHostKey, cliClientKey)
	t.Setenv(identity.EnvPassword, "cli-pw")
	dir := t.TempDir()
	model, sum := genTiny(t)
	cfg := writeFile(t, dir, "config.hcl", fmt.Sprintf(`# a node
node {
  data_dir = %q
}

# the chain, filled in by fabnode chain deploy
chain {
  api_url = "https://node.example"
}

model "tiny" {
  path = %q
}
`, filepath.Join(dir, "data"), model))
	hexFile := writeFile(t, dir, "key.hex", hex.EncodeToString(crypto.FromECDSA(cliHostKey)))
	if _, err := run(t, "key", "import", hexFile, "--lightkdf", "--config", cfg); err != nil {
		t.Fatal(err)
	}
	host := crypto.PubkeyToAddress(cliHostKey.PublicKey)

	out, err := run(t, "chain", "deploy", "--rpc", rpcURL, "--config", cfg, "--write-config", cfg,
		"--fee-bps", "300", "--dispute-window", "10m", "--treasury", crypto.PubkeyToAddress(cliClientKey.PublicKey).Hex())
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	loaded, err := config.Load(cfg, nil)
	if err != nil {
		t.Fatalf("the written config: %v", err)
	}
	c := loaded.Chain
	if c.RPC != rpcURL || c.Network != "local" || c.Escrow == "" || c.NodeRegistry == "" || c.ModelRegistry == "" || c.StartBlock == 0 ||
		!strings.Contains(out, c.Escrow) || c.APIURL != "https://node.example" {
		t.Fatalf("chain block %+v\n%s", c, out)
	}
	if src, _ := os.ReadFile(cfg); !strings.Contains(string(src), "# the chain, filled in") {
		t.Fatalf("the comments are gone:\n%s", src)
	}

	if out, err = run(t, "chain", "register", "--config", cfg, "--input-price", "5", "--output-price", "7"); err != nil ||
		!strings.Contains(out, "registered model tiny") || !strings.Contains(out, "registered node "+host.Hex()) {
		t.Fatalf("register: %v\n%s", err, out)
	}
	cl := sim.Client()
	nodes := bindings.NewNodeRegistry()
	info, err := bind.Call(nodes.Instance(cl, common.HexToAddress(c.NodeRegistry)), nil, nodes.PackGetHost(host), nodes.UnpackGetHost)
	if err != nil || info.Info.ApiUrl != "https://node.example" || len(info.Info.Models) != 1 ||
		hex.EncodeToString(info.Info.Models[0].ModelId[:]) != sum || info.Info.Models[0].MinInputPrice.Int64() != 5 ||
		info.Info.Models[0].MinOutputPrice.Int64() != 7 || len(info.Info.PaymentTokens) != 1 || info.Info.PaymentTokens[0] != (common.Address{}) {
		t.Fatalf("registered %+v %v (model sha256 %s)", info, err, sum)
	}
	if out, err = run(t, "chain", "register", "--config", cfg, "--price", "tiny=6:8"); err != nil ||
		strings.Contains(out, "registered model") || !strings.Contains(out, "updated node") {
		t.Fatalf("second register: %v\n%s", err, out)
	}

	// A client pays a session; the host settles it on the client's receipt.
	escrowAddr := common.HexToAddress(c.Escrow)
	escrow := bindings.NewSessionEscrow()
	head, _ := cl.HeaderByNumber(context.Background(), nil)
	terms := bindings.SessionEscrowTerms{Host: host, ModelId: [32]byte(mustHex(sum)), Deposit: big.NewInt(1e15),
		InputPrice: big.NewInt(6), OutputPrice: big.NewInt(8), CreditWindow: 16, Expiry: head.Time + 3600}
	r := sendAs(t, sim, cliClientKey, escrowAddr, escrow.PackOpen(terms), terms.Deposit)
	ev, _ := escrow.UnpackSessionOpenedEvent(r.Logs[0])
	id, _ := cl.ChainID(context.Background())
	dom := chain.Domain{ChainID: id, Escrow: escrowAddr}
	rc := chain.Receipt{SessionID: ev.SessionId, InputTokens: 1000, OutputTokens: 3000, OutputChain: common.Hash{9}}
	sig, _ := dom.SignReceipt(rc, cliClientKey)
	sendAs(t, sim, cliHostKey, escrowAddr, escrow.PackSettle(chain.NewSettlement(rc, sig, nil, nil)), nil)
	earned := chain.SplitPayment(terms.Deposit, terms.InputPrice, terms.OutputPrice, 1000, 3000, 300).HostAmount

	if out, err = run(t, "earnings", "--config", cfg); err != nil || !strings.Contains(out, "("+earned.String()+" base units)") {
		t.Fatalf("earnings: %v\n%s\nwant %v", err, out, earned)
	}
	before, _ := cl.BalanceAt(context.Background(), host, nil)
	out, err = run(t, "earnings", "withdraw", "--config", cfg)
	mm := regexp.MustCompile(`\(tx (0x[0-9a-f]{64})\)`).FindStringSubmatch(out)
	if err != nil || mm == nil {
		t.Fatalf("withdraw: %v\n%s", err, out)
	}
	wr, err := cl.TransactionReceipt(context.Background(), common.HexToHash(mm[1]))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := cl.BalanceAt(context.Background(), host, nil)
	gas := new(big.Int).Mul(new(big.Int).SetUint64(wr.GasUsed), wr.EffectiveGasPrice)
	if got := new(big.Int).Sub(after, before); got.Cmp(new(big.Int).Sub(earned, gas)) != 0 {
		t.Fatalf("host balance moved %v, want earnings %v minus gas %v", got, earned, gas)
	}
	if out, err = run(t, "earnings", "withdraw", "--config", cfg); err != nil || !strings.Contains(out, "nothing to withdraw in ETH") {
		t.Fatalf("second withdraw: %v\n%s", err, out)
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// A node on a development key (node.dev_key) reports its address as
// fabnode.node_key, and every commitment in its answers is signed by that
// address's key (secp256k1, r‖s‖v over the digest).
func TestNodeSignsCommitmentsWithItsAddress(t *testing.T) {
	t.Setenv(identity.EnvPassword, "")
	model, _ := genTiny(t)
	cfg := config.Default()
	cfg.Node.DataDir = t.TempDir()
	cfg.Node.DevKey = true
	cfg.Node.PluginWatch = 0
	cfg.Node.ProofCheckpointTokens = 4
	cfg.Models["tiny"] = config.ModelConfig{Path: model, GPULayers: -1}
	cfg.Plugins["proof"] = config.PluginConfig{Kind: "proof", Path: plugintest.Build(t, "../../../plugins/proof"),
		MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 1 << 20, PoolSize: 2}
	_, addr := serveNode(t, cfg)
	body := `{"model":"tiny","prompt":"hello","max_tokens":10,"temperature":0}`
	resp, err := http.Post("http://"+addr+"/v1/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v struct {
		Fabnode struct {
			NodeKey     string `json:"node_key"`
			Commitments []struct {
				Digest, Signature string
			} `json:"commitments"`
		} `json:"fabnode"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v\n%s", resp.StatusCode, err, raw)
	}
	acct, err := node.Keystore(cfg).Only()
	if err != nil || v.Fabnode.NodeKey != acct.Address.Hex() {
		t.Fatalf("node_key %q, the keystore holds %v (%v)", v.Fabnode.NodeKey, acct.Address.Hex(), err)
	}
	if len(v.Fabnode.Commitments) < 2 {
		t.Fatalf("commitments %+v", v.Fabnode.Commitments)
	}
	for _, c := range v.Fabnode.Commitments {
		d, sig := mustHex(c.Digest), mustHex(c.Signature)
		got, err := identity.Recover([32]byte(d), sig)
		if err != nil || got.Hex() != v.Fabnode.NodeKey {
			t.Fatalf("commitment %+v recovers to %v (%v), want %s", c, got, err, v.Fabnode.NodeKey)
		}
	}
	t.Logf("%d commitments verified against %s", len(v.Fabnode.Commitments), v.Fabnode.NodeKey)
}

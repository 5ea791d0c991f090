package chain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// These tests run Node.js with the npm packages pinned in contracts/
// (`make test` installs them; by hand: cd host/chain/contracts && npm ci).

const contractsDir = "contracts"

func needNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH: the contract tests need Node.js (%v)", err)
	}
	for _, p := range []string{"solc", "ethers", "@openzeppelin/contracts"} {
		if _, err := os.Stat(filepath.Join(contractsDir, "node_modules", p, "package.json")); err != nil {
			t.Fatalf("npm package %s missing: run `npm ci` in host/chain/contracts (make test does)", p)
		}
	}
}

// bindingsMeta are the generated bindings, by contract name.
var bindingsMeta = map[string]*bind.MetaData{
	"BadToken":      &bindings.BadTokenMetaData,
	"ModelRegistry": &bindings.ModelRegistryMetaData,
	"NodeRegistry":  &bindings.NodeRegistryMetaData,
	"SessionEscrow": &bindings.SessionEscrowMetaData,
	"TestToken":     &bindings.TestTokenMetaData,
	"TestWallet":    &bindings.TestWalletMetaData,
}

func artefacts(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".abi") || strings.HasSuffix(n, ".bin") {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			out[n] = b
		}
	}
	return out
}

// TestArtifactsUpToDate recompiles the contracts with the pinned solc and
// fails when contracts/build or the bindings differ from what the sources
// give: run `make contracts` and commit the result.
func TestArtifactsUpToDate(t *testing.T) {
	needNode(t)
	t.Parallel()
	tmp := t.TempDir()
	cmd := exec.Command("node", "compile.mjs", tmp)
	cmd.Dir = contractsDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}
	fresh := artefacts(t, tmp)
	committed := artefacts(t, filepath.Join(contractsDir, "build"))
	names := func(m map[string][]byte) []string {
		var s []string
		for k := range m {
			s = append(s, k)
		}
		slices.Sort(s)
		return s
	}
	if !slices.Equal(names(fresh), names(committed)) {
		t.Fatalf("build/ has %v, the sources give %v: run make contracts", names(committed), names(fresh))
	}
	for n, b := range fresh {
		if !bytes.Equal(b, committed[n]) {
			t.Errorf("build/%s is stale: run make contracts", n)
		}
	}
	var contracts []string
	for n := range fresh {
		if c, ok := strings.CutSuffix(n, ".bin"); ok {
			contracts = append(contracts, c)
		}
	}
	slices.Sort(contracts)
	for _, c := range contracts {
		meta, ok := bindingsMeta[c]
		if !ok {
			t.Errorf("no Go binding for %s: run make contracts and add it to bindingsMeta", c)
			continue
		}
		if meta.Bin != "0x"+string(fresh[c+".bin"]) {
			t.Errorf("bindings: %s bytecode is stale: run make contracts", c)
		}
		// abigen embeds the ABI with every whitespace rune removed.
		stripped := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, string(fresh[c+".abi"]))
		if stripped != meta.ABI {
			t.Errorf("bindings: %s ABI is stale: run make contracts", c)
		}
	}
	if len(bindingsMeta) != len(contracts) {
		t.Errorf("bindingsMeta lists %d contracts, the sources give %d", len(bindingsMeta), len(contracts))
	}
}

type ethersSigned struct {
	Address string `json:"address"`
	Receipt struct {
		Hash      string `json:"hash"`
		Signature string `json:"signature"`
	} `json:"receipt"`
	Checkpoint struct {
		Hash      string `json:"hash"`
		Signature string `json:"signature"`
	} `json:"checkpoint"`
}

func ethersSign(t *testing.T, e *env, keyHex string, rc chain.Receipt, cp chain.Checkpoint) ethersSigned {
	t.Helper()
	in, _ := json.Marshal(map[string]any{
		"privateKey":        keyHex,
		"chainId":           e.chainID.String(),
		"verifyingContract": e.escrowAddr.Hex(),
		"receipt": map[string]string{
			"sessionId": rc.SessionID.String(), "inputTokens": fmt.Sprint(rc.InputTokens),
			"outputTokens": fmt.Sprint(rc.OutputTokens), "outputChain": rc.OutputChain.Hex(),
		},
		"checkpoint": map[string]string{
			"sessionId": cp.SessionID.String(), "inputTokens": fmt.Sprint(cp.InputTokens),
			"outputTokens": fmt.Sprint(cp.OutputTokens), "outputChain": cp.OutputChain.Hex(), "prevChain": cp.PrevChain.Hex(),
		},
	})
	cmd := exec.Command("node", "test/sign.mjs")
	cmd.Dir = contractsDir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node test/sign.mjs: %v\n%s", err, stderr.String())
	}
	var s ethersSigned
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return s
}

// TestEthersSignatures: a receipt signed by ethers v6's signTypedData (as
// the JS client does) and a checkpoint signed the same way are accepted by
// the contract, and ethers' TypedDataEncoder.hash equals the Go hash and the
// contract's digest.
func TestEthersSignatures(t *testing.T) {
	needNode(t)
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.SessionKey = addr(sessKey)
	id, _ := e.open(clientKey, tm)
	c1 := chain.OutputChainOf([]byte("ethers"), []byte(" says hi"))
	rc := chain.Receipt{SessionID: id, InputTokens: 1234, OutputTokens: 4321, OutputChain: c1}
	cp := chain.Checkpoint{SessionID: id, InputTokens: 1300, OutputTokens: 4450, OutputChain: chain.NextOutputChain(c1, []byte("!")), PrevChain: c1}

	bySessKey := ethersSign(t, e, hexutil.Encode(crypto.FromECDSA(sessKey)), rc, cp)
	byHost := ethersSign(t, e, hexutil.Encode(crypto.FromECDSA(hostKey)), rc, cp)
	if common.HexToAddress(bySessKey.Address) != addr(sessKey) || common.HexToAddress(byHost.Address) != addr(hostKey) {
		t.Fatalf("ethers addresses %s %s", bySessKey.Address, byHost.Address)
	}
	goR, _ := e.dom.ReceiptHash(rc)
	goC, _ := e.dom.CheckpointHash(cp)
	onR, err := bind.Call(e.escrow, nil, escrowABI.PackReceiptDigest(rc.Binding()), escrowABI.UnpackReceiptDigest)
	if err != nil {
		t.Fatal(err)
	}
	onC, err := bind.Call(e.escrow, nil, escrowABI.PackCheckpointDigest(cp.Binding()), escrowABI.UnpackCheckpointDigest)
	if err != nil {
		t.Fatal(err)
	}
	if common.HexToHash(bySessKey.Receipt.Hash) != goR || common.Hash(onR) != goR {
		t.Fatalf("receipt hash: ethers %s, Go %s, contract %x", bySessKey.Receipt.Hash, goR.Hex(), onR)
	}
	if common.HexToHash(byHost.Checkpoint.Hash) != goC || common.Hash(onC) != goC {
		t.Fatalf("checkpoint hash: ethers %s, Go %s, contract %x", byHost.Checkpoint.Hash, goC.Hex(), onC)
	}
	rSig, cSig := common.FromHex(bySessKey.Receipt.Signature), common.FromHex(byHost.Checkpoint.Signature)
	if a, err := e.dom.RecoverReceipt(rc, rSig); err != nil || a != addr(sessKey) {
		t.Fatalf("Go recovers the ethers receipt as %v %v", a, err)
	}
	if a, err := e.dom.RecoverCheckpoint(cp, cSig); err != nil || a != addr(hostKey) {
		t.Fatalf("Go recovers the ethers checkpoint as %v %v", a, err)
	}
	// ethers and Go produce the same (deterministic, RFC 6979) signature.
	if goSig, _ := e.dom.SignReceipt(rc, sessKey); !bytes.Equal(goSig, rSig) {
		t.Fatalf("signatures differ: Go %x, ethers %x", goSig, rSig)
	}
	r, err := e.settle(hostKey, sett(rc, rSig, &cp, cSig))
	if err != nil {
		t.Fatalf("settle with ethers signatures: %v%s", err, e.describe(err))
	}
	if ev := settledEvents(r); len(ev) != 1 || ev[0].InputTokens != 1300 || ev[0].OutputTokens != 4450 {
		t.Fatalf("settled %+v", ev)
	}
}

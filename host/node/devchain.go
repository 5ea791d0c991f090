package node

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/inference"
)

// The development chain of `make run` (chain.dev = true): `fabnode serve`
// starts fabnode-devchain (host/cmd/fabnode-devchain) as a child process
// on chain.rpc's loopback port, with the node's account funded in its
// genesis, takes the contracts' addresses from it, registers the node and
// its models, and stops it when the node stops. The chain lives in memory,
// so every run is a new chain: the node's stores of earlier development
// chains are deleted first. The node binary never links the simulated
// backend; it only runs the other binary.

// DevChainInfo is what fabnode-devchain prints once its chain serves.
type DevChainInfo struct {
	RPC           string         `json:"rpc"`
	ChainID       int64          `json:"chain_id"`
	Genesis       common.Hash    `json:"genesis"`
	Escrow        common.Address `json:"escrow"`
	NodeRegistry  common.Address `json:"node_registry"`
	ModelRegistry common.Address `json:"model_registry"`
	Treasury      common.Address `json:"treasury"`
	FeeBps        uint16         `json:"fee_bps"`
	Client        struct {
		Address    common.Address `json:"address"`
		PrivateKey string         `json:"private_key"`
		Note       string         `json:"note"`
	} `json:"client"`
}

// DevChainBinary is the fabnode-devchain to run: $FABNODE_DEVCHAIN, the
// one beside this executable (`make build` puts both in bin/), or the
// one on PATH.
func DevChainBinary() (string, error) {
	if p := os.Getenv("FABNODE_DEVCHAIN"); p != "" {
		return p, nil
	}
	var beside string
	if exe, err := os.Executable(); err == nil {
		beside = filepath.Join(filepath.Dir(exe), "fabnode-devchain")
		if fi, err := os.Stat(beside); err == nil && !fi.IsDir() {
			return beside, nil
		}
	}
	if p, err := exec.LookPath("fabnode-devchain"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("chain.dev: fabnode-devchain is not beside this binary (%s) nor on PATH: `make build` builds it (go build -o bin/fabnode-devchain ./host/cmd/fabnode-devchain), or set FABNODE_DEVCHAIN", beside)
}

// DevChain is a running fabnode-devchain child; nil when chain.dev is off
// (its methods accept nil).
type DevChain struct {
	Info DevChainInfo

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	exited chan struct{}
	err    error // how it exited, once exited is closed
	once   sync.Once
}

// devChainPort is the loopback port chain.rpc names (8545 when unset).
func devChainPort(rpc string) (int, error) {
	if rpc == "" {
		return 8545, nil
	}
	u, err := url.Parse(rpc)
	if err == nil && u.Scheme == "http" && (u.Path == "" || u.Path == "/") {
		host, port := u.Hostname(), u.Port()
		if ip := net.ParseIP(host); (host == "localhost" || ip != nil && ip.IsLoopback()) && port != "" {
			if p, err := strconv.Atoi(port); err == nil && p > 0 && p < 65536 {
				return p, nil
			}
		}
	}
	return 0, fmt.Errorf("chain.dev: chain.rpc = %q must be a loopback http endpoint with a port, e.g. http://127.0.0.1:8545 (the development chain listens there)", rpc)
}

// StartDevChain runs the development chain when chain.dev is set: it
// starts fabnode-devchain, points the node's chain config at it, and
// registers the node's models and the node (its API URL, its minimum
// prices: the pricing plugin's quotes), printing the chain, the funded
// client account and its public key to w. Call it after Prepare (the
// models' hashes and the quotes) and before Serve; nil, nil when chain.dev
// is off. Close stops the chain.
func (n *Node) StartDevChain(ctx context.Context, w io.Writer) (d *DevChain, err error) {
	cfg := n.Config
	if !cfg.Chain.Dev {
		return nil, nil
	}
	if w == nil {
		w = io.Discard
	}
	port, err := devChainPort(cfg.Chain.RPC)
	if err != nil {
		return nil, err
	}
	if id, err := chain.ResolveChainID(cfg.Chain.Network, cfg.Chain.ChainID); err != nil || id.Int64() != 1337 {
		return nil, fmt.Errorf("chain.dev: the development chain is chain 1337 (chain.network = \"local\"), not %v %v", id, err)
	}
	bin, err := DevChainBinary()
	if err != nil {
		return nil, err
	}
	d = &DevChain{exited: make(chan struct{})}
	d.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--exit-with-parent", "--fund", n.Key.Address().Hex())
	d.cmd.Stderr = w
	ownProcessGroup(d.cmd) // Ctrl-C stops the node, which then stops the chain
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if d.stdin, err = d.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	n.Log.Info("starting the development chain", "binary", bin, "port", port)
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("chain.dev: starting %s: %w", bin, err)
	}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	line := make(chan []byte, 1)
	go func() {
		r := bufio.NewReader(out)
		b, _ := r.ReadBytes('\n')
		line <- b
		io.Copy(io.Discard, r)
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	select {
	case b := <-line:
		if err := json.Unmarshal(b, &d.Info); err != nil || d.Info.RPC == "" {
			<-d.exited
			return nil, fmt.Errorf("chain.dev: fabnode-devchain did not start (%v)", d.err)
		}
	case <-time.After(2 * time.Minute):
		return nil, errors.New("chain.dev: fabnode-devchain printed nothing for 2 minutes")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// The stores of earlier development chains go once this one runs (a
	// node already running on this data directory holds the port).
	if err := removeDevStores(cfg.Node.DataDir, n); err != nil {
		return nil, err
	}
	if err := d.configure(&cfg.Chain.RPC, [3]*string{&cfg.Chain.Escrow, &cfg.Chain.NodeRegistry, &cfg.Chain.ModelRegistry}); err != nil {
		return nil, err
	}
	reg, err := n.devRegistration()
	if err != nil {
		return nil, err
	}
	if err := n.register(ctx, reg); err != nil {
		return nil, fmt.Errorf("chain.dev: registering the node: %w", err)
	}
	d.banner(w, n, reg)
	return d, nil
}

// configure points the chain config at the development chain. Contract
// addresses the config names must be the ones it deployed (they are the
// same on every development chain: one deployer, one order).
func (d *DevChain) configure(rpc *string, addrs [3]*string) error {
	*rpc = d.Info.RPC
	for i, got := range []common.Address{d.Info.Escrow, d.Info.NodeRegistry, d.Info.ModelRegistry} {
		key := [...]string{"chain.escrow", "chain.node_registry", "chain.model_registry"}[i]
		if *addrs[i] == "" {
			*addrs[i] = got.Hex()
			continue
		}
		if a, err := chain.ParseAddress(key, *addrs[i]); err != nil || a != got {
			return fmt.Errorf("chain.dev: %s = %q, but the development chain has it at %s: set that address (or leave the key out)", key, *addrs[i], got.Hex())
		}
	}
	return nil
}

// removeDevStores deletes the node's stores of earlier development chains
// (chain 1337): the chains themselves are gone.
func removeDevStores(dataDir string, n *Node) error {
	for _, pat := range []string{"chain-1337.db", "chain-1337.db.*.old", "payments-1337.db", "payments-1337-*.db"} {
		files, _ := filepath.Glob(filepath.Join(dataDir, pat))
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("chain.dev: removing %s, a store of an earlier development chain: %w", f, err)
			}
			n.Log.Debug("removed a store of an earlier development chain", "file", f)
		}
	}
	return nil
}

// devRegistration is what the node registers: its API URL, every model
// whose SHA-256 is known (pinned, or its file's) at the pricing plugin's
// quote, and the payment tokens.
func (n *Node) devRegistration() (chain.Registration, error) {
	cfg := n.Config
	reg := chain.Registration{APIURL: cfg.Chain.APIURL}
	if reg.APIURL == "" {
		reg.APIURL = "http://" + cfg.API.Listen
	}
	var err error
	if reg.PeerID, reg.Multiaddrs, err = P2PRegistration(cfg, n.Key.PrivateKey()); err != nil {
		return reg, err
	}
	tokens, err := ParseTokens(cfg.Payments.Tokens)
	if err != nil {
		return reg, err
	}
	for _, t := range tokens {
		reg.Tokens = append(reg.Tokens, t.Address)
	}
	for _, name := range n.Models.Names() {
		spec, _ := n.Models.Spec(name)
		sum := strings.ToLower(spec.SHA256)
		if sum == "" {
			if sum, err = fetch.FileSHA256(spec.Path); err != nil {
				n.Log.Warn("model not registered: its file cannot be hashed", "model", name, "error", err)
				continue
			}
		}
		b, err := hex.DecodeString(sum)
		if err != nil || len(b) != 32 {
			return reg, fmt.Errorf("model %q: sha256 %q", name, sum)
		}
		m := chain.Model{ID: [32]byte(b), Name: name, MinInputPrice: new(big.Int), MinOutputPrice: new(big.Int)}
		if _, q, ie := n.Inference.Quote(context.Background(), inference.QuoteQuery{Model: name}); ie == nil {
			for _, t := range tokens {
				if t.Currency == q.Currency {
					m.MinInputPrice, m.MinOutputPrice = PriceFromQuote(q.InputNanosPerToken, t.Decimals), PriceFromQuote(q.OutputNanosPerToken, t.Decimals)
				}
			}
		}
		reg.Models = append(reg.Models, m)
	}
	return reg, nil
}

// PriceFromQuote is the smallest price per token, in a token's base units
// (wei for ETH), that covers a quote of nanos nano-units of its currency
// per token: ⌈nanos × 10^decimals / 10^9⌉.
func PriceFromQuote(nanos int64, decimals uint8) *big.Int {
	if nanos <= 0 {
		return new(big.Int)
	}
	v := new(big.Int).Mul(big.NewInt(nanos), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
	q, r := new(big.Int).QuoRem(v, big.NewInt(1_000_000_000), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// register registers the node through its own chain client, so the
// transactions are in its store and its account's nonces stay its own.
func (n *Node) register(ctx context.Context, reg chain.Registration) error {
	c, err := OpenChain(ctx, n.Config, n.Key, n.Log)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Tx.Start(ctx); err != nil {
		return err
	}
	defer c.Tx.Stop(context.Background())
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err = chain.Register(ctx, c.Client, c.Tx, c.Config.ModelRegistry, c.Config.NodeRegistry, "devchain-register:", reg)
	return err
}

func (d *DevChain) banner(w io.Writer, n *Node, reg chain.Registration) {
	fmt.Fprintf(w, "development chain %s (chain id %d): escrow %s\n", d.Info.RPC, d.Info.ChainID, d.Info.Escrow.Hex())
	for _, m := range reg.Models {
		fmt.Fprintf(w, "  registered node %s at %s: model %s (sha256 %x) from %s input / %s output wei per token\n",
			n.Key.Address().Hex(), reg.APIURL, m.Name, m.ID, m.MinInputPrice, m.MinOutputPrice)
	}
	fmt.Fprintf(w, "  funded client account %s, private key %s\n  (%s)\n", d.Info.Client.Address.Hex(), d.Info.Client.PrivateKey, d.Info.Client.Note)
	fmt.Fprintf(w, "  pay for a chat (README, Paid chat):\n    fabnode client session open --dev-client-key\n    fabnode client session chat -m \"Hello\"\n    fabnode client session close --dev-client-key\n")
}

// Context is ctx, ended also when the chain exits before Close: a node
// whose chain is gone stops.
func (d *DevChain) Context(ctx context.Context) context.Context {
	if d == nil {
		return ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-d.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx
}

// Close stops the chain (its standard input closes, then SIGTERM, then
// SIGKILL after 10 s). It returns an error when the chain had exited on
// its own before.
func (d *DevChain) Close() error {
	if d == nil {
		return nil
	}
	var early error
	d.once.Do(func() {
		select {
		case <-d.exited:
			early = fmt.Errorf("the development chain exited while the node ran: %v", d.err)
			return
		default:
		}
		d.stdin.Close()
		terminate(d.cmd)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			d.cmd.Process.Kill()
			<-d.exited
		}
	})
	return early
}

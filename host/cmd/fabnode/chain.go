package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/node"
)

func chainCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chain",
		Short: "Deploy the payment contracts and register the node on chain",
	}
	cmd.AddCommand(chainDeployCmd(), chainRegisterCmd())
	return cmd
}

// operator is what a chain command works with: the config, the endpoint
// and, for commands that send, the node key and a transaction manager.
type operator struct {
	cfg  *config.Config
	cc   chain.Config
	cl   *ethclient.Client
	key  *identity.Key
	tx   *chain.TxManager
	done func()
}

type chainFlags struct {
	cfgPath       string
	rpc           string
	network       string
	chainID       int64
	confirmations int
	verbose       bool
}

func (f *chainFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.cfgPath, "config", "c", "config.hcl", "configuration file (HCL)")
	fl.StringVar(&f.rpc, "rpc", "", "JSON-RPC endpoint (default: chain.rpc)")
	fl.StringVar(&f.network, "network", "", "local, base-sepolia, base or custom (default: chain.network)")
	fl.Int64Var(&f.chainID, "chain-id", 0, "the chain id the endpoint must serve (default: the network's)")
	fl.IntVar(&f.confirmations, "confirmations", 1, "blocks a transaction needs before the command moves on")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log what the transaction manager does")
}

// open connects to the endpoint of the flags or the config, checking the
// chain id; with send it also unlocks the node key and starts a
// transaction manager (its queue in a temporary store: these commands wait
// for what they send).
func (f *chainFlags) open(cmd *cobra.Command, send bool) (*operator, error) {
	cfg, err := loadConfigFile(cmd, f.cfgPath)
	if err != nil {
		return nil, err
	}
	c := cfg.Chain
	if f.rpc != "" {
		c.RPC = f.rpc
	}
	if cmd.Flags().Changed("network") {
		c.Network = f.network
	}
	if cmd.Flags().Changed("chain-id") {
		c.ChainID = f.chainID
	}
	if c.RPC == "" {
		return nil, errors.New("no endpoint: pass --rpc URL or set chain.rpc")
	}
	cc, _, err := node.ChainConfig(c)
	if err != nil {
		return nil, err
	}
	cc.Confirmations = uint64(max(f.confirmations, 1))
	var want *big.Int
	if f.rpc == "" || cmd.Flags().Changed("network") || cmd.Flags().Changed("chain-id") || c.Network != "" || c.ChainID != 0 {
		want = cc.ChainID
	}
	ctx := cmd.Context()
	cl, id, err := chain.Dial(ctx, cc.RPC, want, cc.RPCTimeout)
	if err != nil {
		return nil, err
	}
	cc.ChainID = id
	op := &operator{cfg: cfg, cc: cc, cl: cl, done: cl.Close}
	if !send {
		return op, nil
	}
	log := hclog.NewNullLogger()
	if f.verbose {
		log = config.NewLogger(config.LogConfig{Level: "debug", Format: "text"}, cmd.ErrOrStderr())
	}
	if op.key, err = node.LoadIdentity(cfg, log); err != nil {
		cl.Close()
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "fabnode-chain-cmd-")
	if err != nil {
		cl.Close()
		return nil, err
	}
	st, err := chain.OpenStore(filepath.Join(tmp, "tx.db"))
	if err == nil {
		op.tx, err = chain.NewTxManager(cl, st, op.key.PrivateKey(), id, cc, log)
	}
	if err == nil {
		err = op.tx.Start(ctx)
	}
	if err != nil {
		cl.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	op.done = func() {
		op.tx.Stop(context.Background())
		st.Close()
		os.RemoveAll(tmp)
		cl.Close()
	}
	return op, nil
}

// signalContext ends on Ctrl-C, so a command waiting for a receipt stops.
func signalContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

func chainDeployCmd() *cobra.Command {
	var (
		f           chainFlags
		treasury    string
		feeBps      uint16
		window      time.Duration
		stakeToken  string
		unbonding   time.Duration
		writeConfig string
	)
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy ModelRegistry, NodeRegistry and SessionEscrow, signed by the node key",
		Long: `Deploy deploys the contracts from the committed bindings to any chain, paid by
the node key, and prints their addresses for the config's chain block;
--write-config writes them (and the endpoint, network and start block) into a
config file, keeping its comments.`,
		Args: cobra.NoArgs,
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&treasury, "treasury", "", "address receiving the protocol fee (default: the node's)")
	fl.Uint16Var(&feeBps, "fee-bps", 250, "protocol fee in basis points of each payment, at most 1000")
	fl.DurationVar(&window, "dispute-window", time.Hour, "time after a session's deadline the host can still settle")
	fl.StringVar(&stakeToken, "stake-token", "", "ERC-20 nodes may stake in the NodeRegistry (default: none)")
	fl.DurationVar(&unbonding, "unbonding-delay", 7*24*time.Hour, "delay before unbonded stake can be withdrawn")
	fl.StringVar(&writeConfig, "write-config", "", "config file to write the addresses into")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx, stop := signalContext(cmd)
		defer stop()
		cmd.SetContext(ctx)
		if feeBps > 1000 {
			return fmt.Errorf("--fee-bps %d: at most 1000 (10%%)", feeBps)
		}
		if window < time.Second || window.Seconds() > float64(^uint32(0)) {
			return fmt.Errorf("--dispute-window %s: between 1s and 136 years", window)
		}
		op, err := f.open(cmd, true)
		if err != nil {
			return err
		}
		defer op.done()
		p := chain.DeployParams{Treasury: op.key.Address(), FeeBps: feeBps, DisputeWindow: uint32(window.Seconds()),
			UnbondingDelay: uint64(unbonding.Seconds())}
		if treasury != "" {
			if p.Treasury, err = chain.ParseAddress("--treasury", treasury); err != nil {
				return err
			}
		}
		if p.StakeToken, err = chain.ParseAddress("--stake-token", stakeToken); err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "deploying to chain %v (%s) from %s\n", op.cc.ChainID, chain.RedactRPC(op.cc.RPC), op.key.Address().Hex())
		d, err := chain.Deploy(ctx, op.tx, "deploy:", p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "chain {\n  network        = %q\n", networkOf(d.ChainID))
		if networkOf(d.ChainID) == "custom" {
			fmt.Fprintf(w, "  chain_id       = %v\n", d.ChainID)
		}
		fmt.Fprintf(w, "  escrow         = %q\n  node_registry  = %q\n  model_registry = %q\n  start_block    = %d\n}\n",
			d.Escrow.Hex(), d.NodeRegistry.Hex(), d.ModelRegistry.Hex(), d.Block)
		fmt.Fprintf(w, "treasury %s, fee %d bps, dispute window %s\n", p.Treasury.Hex(), feeBps, window)
		if writeConfig != "" {
			rpc := ""
			if f.rpc != "" {
				rpc = f.rpc
			}
			if err := writeChainBlock(writeConfig, d, rpc); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote the chain block of %s\n", writeConfig)
		}
		return nil
	}
	return cmd
}

// networkOf names the preset of a chain id, or "custom".
func networkOf(id *big.Int) string {
	for name, n := range chain.Networks {
		if id.IsInt64() && id.Int64() == n.ChainID {
			return name
		}
	}
	return "custom"
}

// writeChainBlock sets a deployment's keys in the chain block of the HCL
// file at path (adding the block when missing), keeping everything else,
// comments included. The result must load before it replaces the file.
func writeChainBlock(path string, d chain.Deployment, rpc string) error {
	src, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, diags := hclwrite.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", path, diags.Error())
	}
	blk := f.Body().FirstMatchingBlock("chain", nil)
	if blk == nil {
		if len(src) > 0 {
			f.Body().AppendNewline()
		}
		blk = f.Body().AppendNewBlock("chain", nil)
	}
	b := blk.Body()
	network := networkOf(d.ChainID)
	b.SetAttributeValue("network", cty.StringVal(network))
	if network == "custom" {
		b.SetAttributeValue("chain_id", cty.NumberVal(new(big.Float).SetInt(d.ChainID)))
	} else {
		b.RemoveAttribute("chain_id")
	}
	if rpc != "" {
		b.SetAttributeValue("rpc", cty.StringVal(rpc))
	}
	b.SetAttributeValue("escrow", cty.StringVal(d.Escrow.Hex()))
	b.SetAttributeValue("node_registry", cty.StringVal(d.NodeRegistry.Hex()))
	b.SetAttributeValue("model_registry", cty.StringVal(d.ModelRegistry.Hex()))
	b.SetAttributeValue("start_block", cty.NumberUIntVal(d.Block))
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(f.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if _, err := config.Load(tmp.Name(), nil); err != nil {
		return fmt.Errorf("%s with the chain block does not load, left as it was: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func chainRegisterCmd() *cobra.Command {
	var (
		f        chainFlags
		apiURL   string
		inPrice  string
		outPrice string
		prices   []string
		tokens   []string
	)
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the node's models and the node itself, signed by the node key",
		Long: `Register registers each configured model (its id is the SHA-256 of the GGUF
file) in the ModelRegistry unless it is there, then the node in the
NodeRegistry, or replaces its entry: the API URL, the models with their
minimum prices per token (in the payment token's smallest unit, e.g. wei),
the payment tokens it accepts and, with p2p enabled, its libp2p peer id and
the listen addresses others can dial.`,
		Args: cobra.NoArgs,
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&apiURL, "api-url", "", "the node's public API URL (default: chain.api_url)")
	fl.StringVar(&inPrice, "input-price", "0", "minimum price per input token, for every model")
	fl.StringVar(&outPrice, "output-price", "0", "minimum price per output token, for every model")
	fl.StringArrayVar(&prices, "price", nil, "one model's minimum prices: MODEL=INPUT:OUTPUT (repeatable)")
	fl.StringArrayVar(&tokens, "token", []string{"ETH"}, "accepted payment token: ETH or an ERC-20 address (repeatable)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx, stop := signalContext(cmd)
		defer stop()
		cmd.SetContext(ctx)
		op, err := f.open(cmd, true)
		if err != nil {
			return err
		}
		defer op.done()
		if op.cc.ModelRegistry == (common.Address{}) || op.cc.NodeRegistry == (common.Address{}) {
			return errors.New("set chain.model_registry and chain.node_registry (fabnode chain deploy prints them)")
		}
		if apiURL == "" {
			apiURL = op.cfg.Chain.APIURL
		}
		if apiURL == "" {
			return errors.New("no API URL: pass --api-url or set chain.api_url")
		}
		reg := chain.Registration{APIURL: apiURL}
		// With p2p on, the entry carries the node's peer id and listen
		// addresses, which libp2p discovery dials.
		if reg.PeerID, reg.Multiaddrs, err = node.P2PRegistration(op.cfg, op.key.PrivateKey()); err != nil {
			return err
		}
		for _, t := range tokens {
			a, err := parseToken(t)
			if err != nil {
				return err
			}
			reg.Tokens = append(reg.Tokens, a)
		}
		defIn, err := parseAmount("--input-price", inPrice)
		if err != nil {
			return err
		}
		defOut, err := parseAmount("--output-price", outPrice)
		if err != nil {
			return err
		}
		per := map[string][2]*big.Int{}
		for _, p := range prices {
			name, v, ok := strings.Cut(p, "=")
			in, out, ok2 := strings.Cut(v, ":")
			if !ok || !ok2 {
				return fmt.Errorf("--price %q: want MODEL=INPUT:OUTPUT", p)
			}
			if _, known := op.cfg.Models[name]; !known {
				return fmt.Errorf("--price %q: no model %q in the config", p, name)
			}
			a, err := parseAmount("--price", in)
			if err != nil {
				return err
			}
			b, err := parseAmount("--price", out)
			if err != nil {
				return err
			}
			per[name] = [2]*big.Int{a, b}
		}
		w := cmd.OutOrStdout()
		names := slices.Sorted(maps.Keys(op.cfg.Models))
		if len(names) == 0 {
			return errors.New("no model in the config to register")
		}
		for _, name := range names {
			id, err := modelID(w, name, op.cfg.Models[name])
			if err != nil {
				return err
			}
			md := chain.Model{ID: id, Name: name, MinInputPrice: defIn, MinOutputPrice: defOut}
			if p, ok := per[name]; ok {
				md.MinInputPrice, md.MinOutputPrice = p[0], p[1]
			}
			reg.Models = append(reg.Models, md)
		}
		res, err := chain.Register(ctx, op.cl, op.tx, op.cc.ModelRegistry, op.cc.NodeRegistry, "register:", reg)
		if err != nil {
			return err
		}
		for _, md := range res.NewModels {
			fmt.Fprintf(w, "registered model %s (%x)\n", md.Name, md.ID)
		}
		verb := "registered"
		if res.Updated {
			verb = "updated"
		}
		fmt.Fprintf(w, "%s node %s at %s: %d models, tokens %s (tx %s)\n", verb, op.key.Address().Hex(), apiURL,
			len(reg.Models), strings.Join(tokens, ", "), res.TxHash.Hex())
		return nil
	}
	return cmd
}

// modelID is the model's SHA-256: pinned in the config, or read from its file.
func modelID(w io.Writer, name string, m config.ModelConfig) ([32]byte, error) {
	var id [32]byte
	if m.SHA256 != "" {
		b, err := hex.DecodeString(m.SHA256)
		if err != nil || len(b) != 32 {
			return id, fmt.Errorf("model %q: sha256 %q", name, m.SHA256)
		}
		return [32]byte(b), nil
	}
	f, err := os.Open(m.Path)
	if err != nil {
		return id, fmt.Errorf("model %q: %w (its id is the file's SHA-256; pin it with sha256 = \"...\" to register without the file)", name, err)
	}
	defer f.Close()
	fmt.Fprintf(w, "hashing model %s (%s)\n", name, m.Path)
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return id, fmt.Errorf("model %q: %w", name, err)
	}
	copy(id[:], h.Sum(nil))
	return id, nil
}

// parseToken reads ETH (native) or an ERC-20 address.
func parseToken(s string) (common.Address, error) {
	switch strings.ToLower(s) {
	case "eth", "native", "":
		return common.Address{}, nil
	}
	return chain.ParseAddress("--token", s)
}

// parseAmount reads a non-negative integer amount in the token's smallest unit.
func parseAmount(what, s string) (*big.Int, error) {
	v, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("%s %q: want a whole, non-negative number of the token's smallest unit (wei for ETH)", what, s)
	}
	return v, nil
}

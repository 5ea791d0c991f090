package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/client"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/node"
)

// clientSessionCmd is `fabnode client session open|chat|close`: a chat
// with a node over its HTTP API, paid through an escrow session on its
// chain (package host/client). open deposits and saves the session to a
// file, chat streams answers on it while countersigning what arrives, and
// close ends it; the node then settles.
func clientSessionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "session",
		Short: "Pay a node for chats through an escrow session: open, chat, close",
		Long: `A session holds a deposit in the node's escrow contract, at prices per token
taken from the node's quote. chat signs each request and countersigns, as the
answer streams, exactly the tokens that arrived (a receipt over the output's
hash chain); the node delivers at most the credit window beyond the last
receipt. close ends the session: the node settles on the highest receipt and
the rest of the deposit comes back.

The wallet key comes from --key FILE (a hex private key, a keystore JSON file
or a keystore directory; a keystore's password from --password-file or
$FABNODE_CLIENT_PASSWORD), never from the command line. On a development
chain (chain id 1337) --dev-client-key uses fabnode-devchain's funded client
account, whose key is public.`,
	}
	cmd.AddCommand(sessionOpenCmd(), sessionChatCmd(), sessionCloseCmd())
	return cmd
}

// clientWithSession is the client command with its session subcommand.
func clientWithSession(c *cobra.Command) *cobra.Command {
	c.AddCommand(clientSessionCmd())
	return c
}

// EnvClientPassword holds the password of a client's keystore key.
const EnvClientPassword = "FABNODE_CLIENT_PASSWORD"

// devClientKey is fabnode-devchain's client account (devchain.Client: the
// key derived from the public name "client"), funded on every
// development chain.
func devClientKey() *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("fabnode dev key client")))
	if err != nil {
		panic(err)
	}
	return k
}

// walletFlags say where the chain and the escrow are and which key pays.
type walletFlags struct {
	cfgPath      string
	rpc          string
	escrow       string
	chainID      int64
	key          string
	account      string
	passwordFile string
	devKey       bool
}

func (f *walletFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.cfgPath, "config", "c", "config.hcl", "configuration whose chain block names the chain and the escrow (and api.listen the node)")
	fl.StringVar(&f.rpc, "rpc", "", "the chain's JSON-RPC endpoint (default: chain.rpc)")
	fl.StringVar(&f.escrow, "escrow", "", "the escrow contract (default: chain.escrow)")
	fl.Int64Var(&f.chainID, "chain-id", 0, "the chain id the endpoint must serve (default: the config's network)")
	fl.StringVar(&f.key, "key", "", "the wallet key: a file with a hex private key, a keystore JSON file, or a keystore directory")
	fl.StringVar(&f.account, "account", "", "the account to use from a keystore directory holding several")
	fl.StringVar(&f.passwordFile, "password-file", "", "file holding the keystore password (default: $"+EnvClientPassword+")")
	fl.BoolVar(&f.devKey, "dev-client-key", false, "pay with the development chain's funded client account, whose key is PUBLIC (chain 1337 only)")
}

// wallet is an open connection to the chain with the escrow's domain.
type wallet struct {
	cfg     *config.Config
	rpc     *ethclient.Client
	chainID *big.Int
	escrow  common.Address
}

func (f *walletFlags) open(cmd *cobra.Command) (*wallet, error) {
	cfg, err := loadConfigFile(cmd, f.cfgPath)
	if err != nil {
		return nil, err
	}
	c := cfg.Chain
	if f.rpc != "" {
		c.RPC = f.rpc
	}
	if f.escrow != "" {
		c.Escrow = f.escrow
	}
	if cmd.Flags().Changed("chain-id") {
		c.Network, c.ChainID = "custom", f.chainID
	}
	if c.RPC == "" && c.Dev {
		c.RPC = "http://127.0.0.1:8545"
	}
	if c.RPC == "" {
		return nil, errors.New("no chain endpoint: pass --rpc URL or set chain.rpc in --config")
	}
	cc, _, err := node.ChainConfig(c)
	if err != nil {
		return nil, err
	}
	if cc.Escrow == (common.Address{}) {
		return nil, errors.New("no escrow: pass --escrow ADDRESS or set chain.escrow in --config")
	}
	cl, id, err := chain.Dial(cmd.Context(), cc.RPC, cc.ChainID, cc.RPCTimeout)
	if err != nil {
		return nil, err
	}
	return &wallet{cfg: cfg, rpc: cl, chainID: id, escrow: cc.Escrow}, nil
}

// signer is the wallet's key, from --key or --dev-client-key.
func (f *walletFlags) signer(cmd *cobra.Command, chainID *big.Int) (*ecdsa.PrivateKey, error) {
	switch {
	case f.devKey && f.key != "":
		return nil, errors.New("give --key or --dev-client-key, not both")
	case f.devKey:
		if chainID.Cmp(big.NewInt(1337)) != 0 {
			return nil, fmt.Errorf("--dev-client-key is a public key, for development chains (chain id 1337) only; this chain is %v", chainID)
		}
		k := devClientKey()
		fmt.Fprintf(cmd.ErrOrStderr(), "paying from %s, the development client account (its key is PUBLIC: development chains only)\n", crypto.PubkeyToAddress(k.PublicKey).Hex())
		return k, nil
	case f.key == "":
		return nil, errors.New("no wallet key: give --key FILE (a hex private key, a keystore file or directory) or, on a development chain, --dev-client-key")
	}
	path := f.key
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		if path, err = keystoreFile(path, f.account); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pw := ""
	if strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		if f.passwordFile != "" {
			if pw, _, _, err = identity.ReadPassword(f.passwordFile); err != nil {
				return nil, err
			}
		} else if pw = os.Getenv(EnvClientPassword); pw == "" {
			return nil, fmt.Errorf("%s is a keystore file: give its password in --password-file or $%s", path, EnvClientPassword)
		}
	}
	k, err := identity.ParsePrivateKey(data, pw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// keystoreFile is the key file in a keystore directory: the only one, or
// account's.
func keystoreFile(dir, account string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		var k struct {
			Address string `json:"address"`
		}
		if json.Unmarshal(b, &k) != nil || !common.IsHexAddress(k.Address) {
			continue
		}
		if account == "" || common.HexToAddress(k.Address) == common.HexToAddress(account) {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0 && account != "":
		return "", fmt.Errorf("keystore %s has no key of %s", dir, account)
	case len(found) == 0:
		return "", fmt.Errorf("keystore %s holds no key", dir)
	}
	return "", fmt.Errorf("keystore %s holds %d keys: choose one with --account ADDRESS", dir, len(found))
}

// sessionFile is what open saves and chat and close read: the session's
// terms and the client's state on it (the output chain over what it
// received, the last receipt, the last nonce). It holds no private key.
type sessionFile struct {
	Session        string         `json:"session"`
	Node           string         `json:"node"`
	Model          string         `json:"model"`
	ModelSHA256    string         `json:"model_sha256"`
	Host           common.Address `json:"host"`
	ChainID        string         `json:"chain_id"`
	Escrow         common.Address `json:"escrow"`
	Depositor      common.Address `json:"depositor"`
	Deposit        string         `json:"deposit_wei"`
	InputPrice     string         `json:"input_price_wei"`
	OutputPrice    string         `json:"output_price_wei"`
	CreditWindow   uint32         `json:"credit_window"`
	Expiry         int64          `json:"expiry"`
	FromBlock      uint64         `json:"from_block"` // the head before the opening
	SessionKeyFile string         `json:"session_key_file,omitempty"`
	Nonce          uint64         `json:"nonce"`
	OutputChain    common.Hash    `json:"output_chain"`
	Receipted      receiptState   `json:"receipted"`
	Closed         bool           `json:"closed,omitempty"`
}

type receiptState struct {
	InputTokens  uint64      `json:"input_tokens"`
	OutputTokens uint64      `json:"output_tokens"`
	OutputChain  common.Hash `json:"output_chain"`
}

func (sf *sessionFile) id() *big.Int {
	n, _ := new(big.Int).SetString(sf.Session, 10)
	return n
}

func (sf *sessionFile) prices() (in, out *big.Int) {
	in, _ = new(big.Int).SetString(sf.InputPrice, 10)
	out, _ = new(big.Int).SetString(sf.OutputPrice, 10)
	return in, out
}

func (sf *sessionFile) cost(inTokens, outTokens uint64) *big.Int {
	in, out := sf.prices()
	c := new(big.Int).Mul(new(big.Int).SetUint64(inTokens), in)
	return c.Add(c, new(big.Int).Mul(new(big.Int).SetUint64(outTokens), out))
}

func (sf *sessionFile) chainID() *big.Int {
	n, _ := new(big.Int).SetString(sf.ChainID, 10)
	return n
}

// sessionKey is the session's own key, nil when it was opened without
// one (the wallet then signs).
func (sf *sessionFile) sessionKey() (*ecdsa.PrivateKey, error) {
	if sf.SessionKeyFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(sf.SessionKeyFile)
	if err != nil {
		return nil, fmt.Errorf("the session key: %w", err)
	}
	k, err := identity.ParsePrivateKey(b, "")
	if err != nil {
		return nil, fmt.Errorf("the session key %s: %w", sf.SessionKeyFile, err)
	}
	return k, nil
}

// restore is a client of the session that goes on from the state the
// file keeps: its nonce, its output chain and what it countersigned.
func (sf *sessionFile) restore(signer *ecdsa.PrivateKey) *client.Session {
	s := client.NewSession(sf.id(), chain.Domain{ChainID: sf.chainID(), Escrow: sf.Escrow}, signer, sf.Node)
	s.Restore(client.State{Nonce: sf.Nonce, OutputChain: sf.OutputChain,
		Receipted: client.Receipt{InputTokens: sf.Receipted.InputTokens, OutputTokens: sf.Receipted.OutputTokens, OutputChain: sf.Receipted.OutputChain}})
	return s
}

// record saves s's state to the file at path, whatever the request's end
// (what arrived and what was countersigned is the session's state now),
// and prints what was countersigned since before and what it cost.
func (sf *sessionFile) record(path string, s *client.Session, before client.Receipt, finish string, stderr io.Writer) error {
	st := s.State()
	sf.Nonce, sf.OutputChain = st.Nonce, st.OutputChain
	sf.Receipted = receiptState{InputTokens: st.Receipted.InputTokens, OutputTokens: st.Receipted.OutputTokens, OutputChain: st.Receipted.OutputChain}
	var err error
	if serr := sf.save(path); serr != nil {
		err = fmt.Errorf("saving the session's state to %s: %w", path, serr)
	}
	din, dout := st.Receipted.InputTokens-before.InputTokens, st.Receipted.OutputTokens-before.OutputTokens
	dep, _ := new(big.Int).SetString(sf.Deposit, 10)
	total := sf.cost(st.Receipted.InputTokens, st.Receipted.OutputTokens)
	fmt.Fprintf(stderr, "[session %s: countersigned %d input + %d output tokens = %s wei (%s), finish %s; session total %d + %d tokens = %s wei of the %s deposit]\n",
		sf.Session, din, dout, sf.cost(din, dout), formatEther(sf.cost(din, dout)), finish,
		st.Receipted.InputTokens, st.Receipted.OutputTokens, total, formatEther(dep))
	return err
}

func readSessionFile(path string) (*sessionFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no session file %s: open a session first (fabnode client session open), or give --session FILE", path)
		}
		return nil, err
	}
	var sf sessionFile
	if err := json.Unmarshal(b, &sf); err != nil || sf.id() == nil {
		return nil, fmt.Errorf("%s is not a session file (%v)", path, err)
	}
	return &sf, nil
}

// writeSecret writes a key file, mode 0600, replacing any.
func writeSecret(path string, b []byte) error {
	os.Remove(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// save writes the file atomically, mode 0600.
func (sf *sessionFile) save(path string) error {
	b, err := json.MarshalIndent(sf, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// getJSON reads a node endpoint.
func getJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, safe(truncate(strings.TrimSpace(string(b)), 300)))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// defaultSessionFile is where open saves the session and chat and close
// read it: fabnode/session.json in the user's configuration directory.
func defaultSessionFile() string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "fabnode", "session.json")
	}
	return "fabnode-session.json"
}

// sessionKeyFile is where open saves a session's generated key: beside
// its session file.
func sessionKeyFile(session string) string {
	return strings.TrimSuffix(session, ".json") + ".key"
}

// nodeURL is --node, or the configured node's API.
func nodeURL(flag string, cfg *config.Config) string {
	if flag != "" {
		return strings.TrimRight(flag, "/")
	}
	addr := cfg.API.Listen
	if host, port, ok := strings.Cut(addr, ":"); ok && (host == "" || host == "0.0.0.0") {
		addr = "127.0.0.1:" + port
	}
	return "http://" + addr
}

// parseEther reads an amount of ETH ("0.01", "0.01eth"), gwei ("5gwei")
// or wei ("1000wei") into wei, exactly.
func parseEther(s string) (*big.Int, error) {
	v, exp := strings.ToLower(strings.TrimSpace(s)), int64(18)
	switch {
	case strings.HasSuffix(v, "gwei"):
		v, exp = strings.TrimSuffix(v, "gwei"), 9
	case strings.HasSuffix(v, "wei"):
		v, exp = strings.TrimSuffix(v, "wei"), 0
	case strings.HasSuffix(v, "eth"):
		v = strings.TrimSuffix(v, "eth")
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok || r.Sign() <= 0 {
		return nil, fmt.Errorf("%q is not a positive amount (e.g. 0.01, 0.01eth, 5gwei, 1000wei)", s)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil)))
	if !r.IsInt() {
		return nil, fmt.Errorf("%q is not a whole number of wei", s)
	}
	return r.Num(), nil
}

// formatEther is wei in ETH, exactly.
func formatEther(wei *big.Int) string {
	s := new(big.Rat).SetFrac(wei, new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)).FloatString(18)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".") + " ETH"
}

// checkRegistered checks the account a node at base names for itself in
// /health, which the deposit goes to, against the NodeRegistry (when the
// config names one): a registered host must have registered this API URL,
// or anyone answering at that URL (a proxy, a spoofed name) could take the
// deposit for another account. It says what it checked, for the output.
func checkRegistered(ctx context.Context, w *wallet, host common.Address, base string, trust bool) (string, error) {
	reg := w.cfg.Chain.NodeRegistry
	if reg == "" {
		return "not checked against a NodeRegistry (chain.node_registry is not set): the account is the node's own word", nil
	}
	if !common.IsHexAddress(reg) {
		return "", fmt.Errorf("chain.node_registry %q is not an address", reg)
	}
	info, ok, err := chain.HostEntry(ctx, w.rpc, common.HexToAddress(reg), host)
	switch {
	case err != nil:
		return "", err
	case !ok && !trust:
		return "", fmt.Errorf("the node at %s names account %s, which is not registered in the NodeRegistry %s: pass --trust-node to deposit for it anyway", base, host.Hex(), reg)
	case !ok:
		return "not registered in the NodeRegistry (--trust-node)", nil
	case !sameURL(info.ApiUrl, base) && !trust:
		return "", fmt.Errorf("the node at %s names account %s, whose NodeRegistry entry gives its API as %q: pass --trust-node to deposit for it anyway", base, host.Hex(), safe(info.ApiUrl))
	case !sameURL(info.ApiUrl, base):
		return fmt.Sprintf("registered with another API URL, %q (--trust-node)", safe(info.ApiUrl)), nil
	}
	return "registered in the NodeRegistry with this API URL", nil
}

// sameURL compares API URLs as a client reaches them: scheme and host
// case-insensitively, without a trailing slash.
func sameURL(a, b string) bool {
	norm := func(s string) string {
		u, err := url.Parse(strings.TrimRight(s, "/"))
		if err != nil {
			return s
		}
		u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		return u.String()
	}
	return norm(a) == norm(b)
}

func sessionOpenCmd() *cobra.Command {
	var (
		wf                   walletFlags
		nodeAddr, model, out string
		newKey               bool
		deposit              string
		inPrice, outPrice    string
		window               uint32
		expiry               time.Duration
		force, trustNode     bool
	)
	cmd := &cobra.Command{
		Use:   "open",
		Short: "Open a session with a node: deposit, at the node's quoted prices, and save it to a file",
		Long: `open reads the node's account (/health), its model's SHA-256 (/v1/models/ID)
and its quote (/v1/quote), converted to wei per token, and opens a session on
the escrow with the deposit, the credit window (the tokens the node may deliver
beyond your last receipt: what you risk) and the expiry. It generates a
session key that signs this session's requests and receipts, so chat never
needs the wallet key, and saves it beside the session file (mode 0600).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext(cmd)
			defer stop()
			cmd.SetContext(ctx)
			if out == "" {
				out = defaultSessionFile()
			}
			keyOut := ""
			if newKey {
				keyOut = sessionKeyFile(out)
			}
			if prev, err := readSessionFile(out); err == nil && !prev.Closed && !force {
				return fmt.Errorf("%s holds session %s, not closed: close it first (fabnode client session close --session %s), or give --out another file", out, prev.Session, out)
			}
			dep, err := parseEther(deposit)
			if err != nil {
				return fmt.Errorf("--deposit: %w", err)
			}
			w, err := wf.open(cmd)
			if err != nil {
				return err
			}
			defer w.rpc.Close()
			key, err := wf.signer(cmd, w.chainID)
			if err != nil {
				return err
			}
			base := nodeURL(nodeAddr, w.cfg)
			var health struct {
				NodeKey string `json:"node_key"`
			}
			if err := getJSON(ctx, base+"/health", &health); err != nil {
				return fmt.Errorf("the node at %s: %w", base, err)
			}
			if !common.IsHexAddress(health.NodeKey) {
				return fmt.Errorf("the node at %s names no account in /health (node_key %q)", base, health.NodeKey)
			}
			var q struct {
				Model    string `json:"model"`
				In       int64  `json:"input_nanos_per_token"`
				Out      int64  `json:"output_nanos_per_token"`
				Currency string `json:"currency"`
			}
			if err := getJSON(ctx, base+"/v1/quote?model="+url.QueryEscape(model), &q); err != nil {
				return fmt.Errorf("the node's quote: %w", err)
			}
			if q.Currency != "ETH" {
				return fmt.Errorf("the node quotes %s in %s; this command pays in ETH", safe(q.Model), safe(q.Currency))
			}
			var m struct {
				SHA256 string `json:"sha256"`
			}
			if err := getJSON(ctx, base+"/v1/models/"+url.PathEscape(q.Model), &m); err != nil {
				return err
			}
			sum, err := hexutil.Decode("0x" + m.SHA256)
			if err != nil || len(sum) != 32 {
				return fmt.Errorf("the node does not tell model %s's SHA-256 (its id on chain) in /v1/models/%s", safe(q.Model), safe(q.Model))
			}
			host := common.HexToAddress(health.NodeKey)
			checked, err := checkRegistered(ctx, w, host, base, trustNode)
			if err != nil {
				return err
			}
			terms := client.Terms{Host: host, ModelID: [32]byte(sum), Deposit: dep,
				InputPrice: node.PriceFromQuote(q.In, 18), OutputPrice: node.PriceFromQuote(q.Out, 18),
				CreditWindow: window, Expiry: time.Now().Add(expiry)}
			for _, p := range []struct {
				flag string
				dst  **big.Int
			}{{inPrice, &terms.InputPrice}, {outPrice, &terms.OutputPrice}} {
				if p.flag != "" {
					if *p.dst, err = parseAmount("price", p.flag); err != nil {
						return err
					}
				}
			}
			var sessKey *ecdsa.PrivateKey
			if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
				return err
			}
			if keyOut != "" {
				// The key of the session the file held before (closed) is
				// replaced: it signs for that session only.
				if sessKey, err = crypto.GenerateKey(); err != nil {
					return err
				}
				if err := writeSecret(keyOut, []byte(hexutil.Encode(crypto.FromECDSA(sessKey))+"\n")); err != nil {
					return err
				}
				terms.SessionKey = crypto.PubkeyToAddress(sessKey.PublicKey)
			}
			head, err := w.rpc.BlockNumber(ctx)
			if err != nil {
				return err
			}
			wal := &client.Wallet{RPC: w.rpc, ChainID: w.chainID, Escrow: w.escrow, Key: key}
			id, err := wal.Open(ctx, terms)
			if err != nil {
				return err
			}
			sf := &sessionFile{Session: id.String(), Node: base, Model: q.Model, ModelSHA256: m.SHA256, Host: terms.Host,
				ChainID: w.chainID.String(), Escrow: w.escrow, Depositor: wal.Address(), Deposit: dep.String(),
				InputPrice: terms.InputPrice.String(), OutputPrice: terms.OutputPrice.String(), CreditWindow: window,
				Expiry: terms.Expiry.Unix(), FromBlock: head}
			if keyOut != "" {
				if sf.SessionKeyFile, err = filepath.Abs(keyOut); err != nil {
					return err
				}
			}
			if err := sf.save(out); err != nil {
				return fmt.Errorf("session %s is open, but saving %s failed: %w", id, out, err)
			}
			o := cmd.OutOrStdout()
			maxIn, maxOut := terms.InputPrice, terms.OutputPrice
			if maxIn.Cmp(maxOut) > 0 {
				maxOut = maxIn
			}
			risk := new(big.Int).Mul(big.NewInt(int64(window)), maxOut)
			fmt.Fprintf(o, "opened session %s on escrow %s (chain %v), saved to %s\n", id, w.escrow.Hex(), w.chainID, out)
			fmt.Fprintf(o, "  node     %s at %s, model %s (sha256 %s)\n", terms.Host.Hex(), base, safe(q.Model), m.SHA256)
			fmt.Fprintf(o, "           %s\n", checked)
			fmt.Fprintf(o, "  deposit  %s (%s wei) from %s\n", formatEther(dep), dep, wal.Address().Hex())
			fmt.Fprintf(o, "  prices   %s wei per input token, %s wei per output token (the node quotes %d and %d nano-ETH)\n", terms.InputPrice, terms.OutputPrice, q.In, q.Out)
			fmt.Fprintf(o, "  window   %d tokens the node may deliver beyond your last receipt: at most %s wei at risk\n", window, risk)
			fmt.Fprintf(o, "  expires  %s\n", terms.Expiry.UTC().Format(time.RFC3339))
			if sessKey != nil {
				fmt.Fprintf(o, "  session key %s in %s: it signs this session's requests and receipts\n", terms.SessionKey.Hex(), keyOut)
			}
			return nil
		},
	}
	wf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&nodeAddr, "node", "", "the node's API URL (default: http://<api.listen> of --config)")
	f.StringVar(&model, "model", "", "the model (default: the node's default model)")
	f.StringVar(&deposit, "deposit", "0.01", "the deposit in ETH (or with a unit: 5gwei, 1000wei)")
	f.Uint32Var(&window, "window", 128, "credit window: tokens the node may deliver beyond your last receipt")
	f.DurationVar(&expiry, "expiry", time.Hour, "how long the session runs (the node needs it to run past its settle margin)")
	f.StringVar(&inPrice, "input-price", "", "wei per input token (default: the node's quote)")
	f.StringVar(&outPrice, "output-price", "", "wei per output token (default: the node's quote)")
	f.BoolVar(&newKey, "session-key", true, "generate a session key to sign the session's requests and receipts, saved beside the session file (.key, mode 0600); false: the wallet key signs")
	f.StringVar(&out, "out", "", "the session file to write (default: fabnode/session.json in the user's configuration directory)")
	f.BoolVar(&force, "force", false, "overwrite a session file whose session is not closed")
	f.BoolVar(&trustNode, "trust-node", false, "deposit for the account the node names even when the NodeRegistry does not list it at this URL")
	return cmd
}

func sessionChatCmd() *cobra.Command {
	var (
		wf          walletFlags
		path, msg   string
		maxTokens   int
		temperature float64
		wait        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "chat [-m TEXT]",
		Short: "Stream a paid answer on the session, countersigning what arrives; print what it cost",
		Long: `chat sends a chat request on the session in --session, signed by the session
key (or, without one, the wallet key), streams the answer to standard output,
and countersigns each state the node asks a receipt for after checking it
against the hash chain of what arrived. It prints on standard error the tokens
countersigned and their cost at the session's prices. The prompt is
--message, or standard input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext(cmd)
			defer stop()
			if path == "" {
				path = defaultSessionFile()
			}
			sf, err := readSessionFile(path)
			if err != nil {
				return err
			}
			if sf.Closed {
				return fmt.Errorf("session %s is closed: open a new one", sf.Session)
			}
			if msg == "" {
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
				if err != nil {
					return err
				}
				msg = strings.TrimSpace(string(b))
			}
			if msg == "" {
				return errors.New("no prompt: give --message or write it to standard input")
			}
			signer, err := sf.sessionKey()
			if err == nil && signer == nil {
				if signer, err = wf.signer(cmd, sf.chainID()); err != nil {
					err = fmt.Errorf("session %s has no session key, so the wallet signs: %w", sf.Session, err)
				}
			}
			if err != nil {
				return err
			}
			s := sf.restore(signer)
			before := s.Receipted()
			body := map[string]any{"model": sf.Model, "max_tokens": maxTokens, "temperature": temperature,
				"messages": []map[string]string{{"role": "user", "content": msg}}}
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			var res *client.Result
			err = untilSessionSeen(ctx, wait, stderr, fmt.Sprintf("[waiting for the node to see session %s confirmed]", sf.Session), func() (err error) {
				res, err = s.Chat(ctx, body, func(t string) { fmt.Fprint(stdout, printable(t)) })
				return err
			})
			fmt.Fprintln(stdout)
			finish := "-"
			if res != nil && res.Finish != "" {
				finish = res.Finish
			}
			return errors.Join(err, sf.record(path, s, before, finish, stderr))
		},
	}
	wf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&path, "session", "", "the session file (default: the one open writes by default)")
	f.StringVarP(&msg, "message", "m", "", "the prompt (default: standard input)")
	f.IntVar(&maxTokens, "max-tokens", 128, "the most tokens to generate")
	f.Float64Var(&temperature, "temperature", 0, "sampling temperature (0: greedy)")
	f.DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the node to see a new session confirmed")
	return cmd
}

var escrowABI = bindings.NewSessionEscrow()

func sessionCloseCmd() *cobra.Command {
	var (
		wf   walletFlags
		path string
		wait time.Duration
	)
	cmd := &cobra.Command{
		Use:   "close",
		Short: "Close the session and wait for the node's settlement: what you paid and got back",
		Long: `close ends the session on the escrow (signed by the wallet key). The node
then settles on the highest receipt you countersigned (plus, if you stopped
countersigning, at most the credit window); close waits for that settlement
(--wait) and prints what the host earned, the protocol fee and your refund.
Unsettled after the escrow's dispute window, the whole deposit is refundable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext(cmd)
			defer stop()
			cmd.SetContext(ctx)
			if path == "" {
				path = defaultSessionFile()
			}
			sf, err := readSessionFile(path)
			if err != nil {
				return err
			}
			if wf.escrow == "" {
				wf.escrow = sf.Escrow.Hex()
			}
			w, err := wf.open(cmd)
			if err != nil {
				return err
			}
			defer w.rpc.Close()
			if w.chainID.String() != sf.ChainID || w.escrow != sf.Escrow {
				return fmt.Errorf("session %s is on escrow %s of chain %s, not %s of chain %v", sf.Session, sf.Escrow.Hex(), sf.ChainID, w.escrow.Hex(), w.chainID)
			}
			key, err := wf.signer(cmd, w.chainID)
			if err != nil {
				return err
			}
			wal := &client.Wallet{RPC: w.rpc, ChainID: w.chainID, Escrow: w.escrow, Key: key}
			o := cmd.OutOrStdout()
			id := sf.id()
			if !sf.Closed {
				if err := wal.Close(ctx, id); err != nil {
					return err
				}
				sf.Closed = true
				if err := sf.save(path); err != nil {
					return err
				}
				fmt.Fprintf(o, "closed session %s; countersigned %d input + %d output tokens = %s wei\n",
					id, sf.Receipted.InputTokens, sf.Receipted.OutputTokens, sf.cost(sf.Receipted.InputTokens, sf.Receipted.OutputTokens))
			}
			if wait <= 0 {
				return nil
			}
			ev, err := waitSettled(ctx, w.rpc, w.escrow, id, sf.FromBlock, wait)
			if err != nil {
				return err
			}
			paid := new(big.Int).Add(ev.HostAmount, ev.Fee)
			how := "on your receipt"
			if ev.WithCheckpoint {
				how = "on your receipt plus the node's checkpoint (within the credit window)"
			}
			fmt.Fprintf(o, "settled %s: %d input + %d output tokens, paid %s wei (%s): host %s wei, fee %s wei; refunded %s wei (%s)\n",
				how, ev.InputTokens, ev.OutputTokens, paid, formatEther(paid), ev.HostAmount, ev.Fee, ev.Refund, formatEther(ev.Refund))
			return nil
		},
	}
	wf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&path, "session", "", "the session file (default: the one open writes by default)")
	f.DurationVar(&wait, "wait", 2*time.Minute, "how long to wait for the node's settlement (0: do not wait)")
	return cmd
}

// waitSettled waits for the session's SessionSettled event.
func waitSettled(ctx context.Context, rpc *ethclient.Client, escrow common.Address, id *big.Int, from uint64, wait time.Duration) (*bindings.SessionEscrowSessionSettled, error) {
	topic := escrowABI.GetABI().Events["SessionSettled"].ID
	q := ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(from), Addresses: []common.Address{escrow},
		Topics: [][]common.Hash{{topic}, {common.BigToHash(id)}}}
	deadline := time.Now().Add(wait)
	for {
		logs, err := rpc.FilterLogs(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, l := range logs {
			if !l.Removed {
				return escrowABI.UnpackSessionSettledEvent(&l)
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("session %d is not settled after %s: the node settles closed sessions within seconds when it runs; run close again to wait more", id, wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

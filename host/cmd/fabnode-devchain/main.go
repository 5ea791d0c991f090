// Command fabnode-devchain runs a development EVM chain (package
// host/chain/devchain: go-ethereum's simulated backend on Osaka rules) with
// fabnode's contracts deployed and development accounts funded, answering
// JSON-RPC on a loopback port (default 127.0.0.1:8545, chain id 1337), so
// that a node, ethers.js or any wallet tool can use it.
//
// Once the chain is up it prints one JSON line on standard output (Info:
// the endpoint, the contracts, the funded accounts and the public
// development client key), then a summary on standard error, and runs until
// SIGINT or SIGTERM, or, with --exit-with-parent, until its standard input
// closes (the process that started it is gone). The chain lives in memory:
// every start is a new chain, with a genesis of its own.
//
// `fabnode serve` starts it as a child process when chain.dev = true (what
// `make run` does). It is a binary of its own because the simulated backend
// links go-ethereum's whole node, which the node binary never carries.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain/devchain"
)

// Info is the line fabnode-devchain prints once the chain serves.
type Info struct {
	RPC           string         `json:"rpc"`
	ChainID       int64          `json:"chain_id"`
	Genesis       common.Hash    `json:"genesis"`
	Block         uint64         `json:"block"` // the head once the contracts are deployed
	Escrow        common.Address `json:"escrow"`
	NodeRegistry  common.Address `json:"node_registry"`
	ModelRegistry common.Address `json:"model_registry"`
	Token         common.Address `json:"token"` // an ERC-20 test token, minted to every funded account
	Treasury      common.Address `json:"treasury"`
	FeeBps        uint16         `json:"fee_bps"`
	DisputeWindow uint32         `json:"dispute_window_seconds"`
	// Client is a funded account whose key is public (derived from the name
	// "client"): for development tools, never for real value.
	Client   DevAccount       `json:"client"`
	Funded   []common.Address `json:"funded"` // each with 1,000,000 ETH and as many test tokens
	FundsWei *big.Int         `json:"funds_wei"`
}

// DevAccount is an account with its (public, development) private key.
type DevAccount struct {
	Address    common.Address `json:"address"`
	PrivateKey string         `json:"private_key"`
	Note       string         `json:"note"`
}

const devKeyNote = "a PUBLIC development key: anyone can derive it; never send real value to it"

type addrList []common.Address

func (l *addrList) String() string { return fmt.Sprint([]common.Address(*l)) }
func (l *addrList) Set(s string) error {
	if !common.IsHexAddress(s) {
		return fmt.Errorf("%q is not an address", s)
	}
	*l = append(*l, common.HexToAddress(s))
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fabnode-devchain:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fabnode-devchain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 8545, "JSON-RPC port on 127.0.0.1 (0: any free one)")
	period := fs.Duration("period", time.Second, "mine a block at least this often (and at once for each transaction)")
	feeBps := fs.Uint("fee-bps", 250, "the escrow's protocol fee in basis points (at most 1000)")
	window := fs.Duration("dispute-window", time.Hour, "the escrow's dispute window")
	withParent := fs.Bool("exit-with-parent", false, "exit when standard input closes (the process that started this one is gone)")
	var fund addrList
	fs.Var(&fund, "fund", "also fund this account (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *feeBps > 1000 || *feeBps == 0 {
		return fmt.Errorf("--fee-bps %d: between 1 and 1000", *feeBps)
	}
	if *window < time.Second || window.Seconds() > float64(^uint32(0)) {
		return fmt.Errorf("--dispute-window %s: between 1s and 136 years", *window)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, info, err := start(ctx, *port, *period, uint16(*feeBps), uint32(window.Seconds()), fund)
	if err != nil {
		return err
	}
	defer c.Close()
	line, _ := json.Marshal(info)
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return err
	}
	summary(stderr, info)
	if *withParent {
		go func() {
			io.Copy(io.Discard, bufio.NewReader(stdin)) // returns when the parent's end closes
			stop()
		}()
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "fabnode-devchain: stopping; the chain is gone")
	return nil
}

// start starts the chain. Its genesis funds, besides the accounts, a
// random one: a chain started again with the same accounts is then still
// another chain (another genesis hash), so a node's stores of an earlier
// run (its transaction queue, its session view, its receipts) are known
// for what they are instead of being taken for this chain's.
func start(ctx context.Context, port int, period time.Duration, feeBps uint16, window uint32, fund []common.Address) (*devchain.Chain, Info, error) {
	var salt common.Address
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, Info{}, err
	}
	c, err := devchain.Start(devchain.Options{Port: port, Period: period, FeeBps: feeBps, DisputeWindow: window,
		Fund: append(append([]common.Address(nil), fund...), salt)})
	if err != nil {
		if port != 0 && strings.Contains(err.Error(), "address already in use") {
			return nil, Info{}, fmt.Errorf("127.0.0.1:%d is taken (another fabnode-devchain, or a node still running?): %w", port, err)
		}
		return nil, Info{}, err
	}
	cl := c.Client()
	genesis, err := cl.HeaderByNumber(ctx, big.NewInt(0))
	if err == nil {
		var head uint64
		if head, err = cl.BlockNumber(ctx); err == nil {
			info := Info{
				RPC: c.URL, ChainID: c.ChainID.Int64(), Genesis: genesis.Hash(), Block: head,
				Escrow: c.Escrow, NodeRegistry: c.NodeRegistry, ModelRegistry: c.ModelRegistry, Token: c.Token,
				Treasury: devchain.Address(devchain.Treasury), FeeBps: feeBps, DisputeWindow: window,
				Client: DevAccount{Address: devchain.Address(devchain.Client),
					PrivateKey: hexutil.Encode(crypto.FromECDSA(devchain.Client)), Note: devKeyNote},
				Funded:   append([]common.Address{devchain.Address(devchain.Deployer), devchain.Address(devchain.Treasury), devchain.Address(devchain.Client)}, fund...),
				FundsWei: new(big.Int).Mul(big.NewInt(1_000_000), devchain.Ether),
			}
			return c, info, nil
		}
	}
	c.Close()
	return nil, Info{}, errors.Join(errors.New("reading the new chain"), err)
}

func summary(w io.Writer, i Info) {
	fmt.Fprintf(w, `fabnode-devchain: a development chain (in memory, gone when this process ends)
  JSON-RPC        %s   chain id %d
  escrow          %s   (fee %d bps to the treasury %s, dispute window %ds)
  node registry   %s
  model registry  %s
  test token      %s
  client account  %s   1,000,000 ETH
  client key      %s
                  (%s)
`, i.RPC, i.ChainID, i.Escrow.Hex(), i.FeeBps, i.Treasury.Hex(), i.DisputeWindow, i.NodeRegistry.Hex(), i.ModelRegistry.Hex(),
		i.Token.Hex(), i.Client.Address.Hex(), i.Client.PrivateKey, i.Client.Note)
}

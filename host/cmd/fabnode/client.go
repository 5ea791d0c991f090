package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	fclient "github.com/fabnode/fabnode/host/client"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/p2p"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// clientCmd is `fabnode client discover|chat`: a peer-to-peer client with
// a libp2p host of its own (a fresh identity each run).
func clientCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Find hosts for a model and chat with them over libp2p",
	}
	cmd.AddCommand(clientDiscoverCmd(), clientChatCmd())
	return cmd
}

// clientNet is how the client joins the network: --bootstrap peers, or
// those of the node configured beside it (--config) and that node
// itself, read over its admin listener; --mdns adds the LAN.
type clientNet struct {
	target    adminTarget
	bootstrap []string
	mdns      bool
	wait      time.Duration
}

func (c *clientNet) flags(cmd *cobra.Command) {
	c.target.flags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&c.bootstrap, "bootstrap", nil, "a peer to join through, a multiaddr ending in /p2p/<id> (repeatable; default: the configured node and its bootstrap peers)")
	f.BoolVar(&c.mdns, "mdns", false, "also find hosts on the LAN by mDNS")
	f.DurationVar(&c.wait, "wait", 5*time.Second, "how long discovery may take")
}

func (c *clientNet) start(ctx context.Context, stderr io.Writer) (*client.Client, error) {
	bs := c.bootstrap
	if len(bs) == 0 {
		if cfg, err := config.Load(c.target.cfgPath, nil); err == nil {
			bs = append(bs, cfg.P2P.Bootstrap...)
		}
		var st p2p.Status
		if _, err := adminGet(&c.target, "/admin/p2p/status", &st); err == nil {
			for _, a := range localFirst(st.ListenAddrs) {
				bs = append(bs, a+"/p2p/"+st.PeerID)
			}
		}
	}
	if len(bs) == 0 && !c.mdns {
		return nil, errors.New("no way into the network: give --bootstrap ADDR, run a node with p2p enabled beside this one (--config), or --mdns")
	}
	k, err := ethcrypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	pk, err := wire.PrivKey(k)
	if err != nil {
		return nil, err
	}
	n, err := p2pnet.New(p2pnet.Options{
		Listen:    []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"},
		Bootstrap: dedupe(bs), MDNS: c.mdns, HolePunching: true, DHTMode: "client",
		Registerer: prometheus.NewRegistry(),
	}, pk)
	if err != nil {
		return nil, err
	}
	if ok, err := n.Bootstrap(ctx); ok == 0 && !c.mdns {
		n.Close()
		return nil, fmt.Errorf("no bootstrap peer reachable: %w", err)
	}
	for deadline := time.Now().Add(c.wait); n.DHT.RoutingTable().Size() == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	return &client.Client{Net: n}, nil
}

// localFirst puts loopback addresses first: a node beside the client.
func localFirst(addrs []string) []string {
	var local, other []string
	for _, a := range addrs {
		if strings.Contains(a, "p2p-circuit") {
			continue
		}
		if strings.HasPrefix(a, "/ip4/127.") || strings.HasPrefix(a, "/ip6/::1/") {
			local = append(local, a)
		} else {
			other = append(other, a)
		}
	}
	return append(local, other...)
}

func dedupe(l []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func clientDiscoverCmd() *cobra.Command {
	var cn clientNet
	var model string
	var asJSON bool
	var want int
	cmd := &cobra.Command{
		Use:   "discover --model ID",
		Short: "List the hosts of a model (its SHA-256, CID or name) with price, latency and free slots",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			c, err := cn.start(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Net.Close()
			cands, err := c.Discover(ctx, model, client.DiscoverOptions{Wait: cn.wait, Want: want})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(candidatesJSON(cands))
			}
			printCandidates(cmd.OutOrStdout(), cands)
			return nil
		},
	}
	cn.flags(cmd)
	cmd.Flags().StringVar(&model, "model", "", "the model: its SHA-256 (hex), its CID, or its name as hosts announce it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the hosts as JSON")
	cmd.Flags().IntVar(&want, "want", 8, "return as soon as this many hosts have announced themselves")
	_ = cmd.MarkFlagRequired("model")
	return cmd
}

type candidateJSON struct {
	Peer      string      `json:"peer"`
	Address   string      `json:"address"`
	Model     string      `json:"model"`
	SHA256    string      `json:"sha256"`
	Price     *wire.Price `json:"price"`
	Slots     int         `json:"slots"`
	Free      int         `json:"free"`
	LatencyMS float64     `json:"latency_ms"`
	Sources   []string    `json:"sources"`
	Error     string      `json:"error,omitempty"`
}

func candidatesJSON(cs []client.Candidate) []candidateJSON {
	out := []candidateJSON{}
	for _, c := range cs {
		j := candidateJSON{Peer: c.Peer.String(), Address: c.Address.Hex(), Model: c.Model, SHA256: c.SHA256, Price: c.Price,
			Slots: c.Slots, Free: c.Free(), LatencyMS: float64(c.Latency.Microseconds()) / 1000, Sources: c.Sources}
		if c.Err != nil {
			j.Error = c.Err.Error()
		}
		out = append(out, j)
	}
	return out
}

func printCandidates(out io.Writer, cs []client.Candidate) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PEER\tADDRESS\tMODEL\tINPUT/MTOK\tOUTPUT/MTOK\tFREE\tLATENCY\tFOUND BY")
	for _, c := range cs {
		in, outp := "free", "free"
		if p := c.Price; p != nil {
			in = fmt.Sprintf("%.4f %s", float64(p.InputNanosPerToken)/1000, p.Currency)
			outp = fmt.Sprintf("%.4f %s", float64(p.OutputNanosPerToken)/1000, p.Currency)
		}
		lat := fmt.Sprintf("%.1fms", float64(c.Latency.Microseconds())/1000)
		free := fmt.Sprintf("%d/%d", c.Free(), c.Slots)
		if c.Err != nil {
			in, outp, lat, free = "-", "-", "-", "unreachable: "+safe(truncate(c.Err.Error(), 60))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Peer, c.Address.Hex(), safe(c.Model), in, outp, free, lat, strings.Join(c.Sources, "+"))
	}
	_ = w.Flush()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func clientChatCmd() *cobra.Command {
	var cn clientNet
	var model, peerID, message string
	var maxTokens int
	var temperature float64
	var completion bool
	var sessionPaths []string
	cmd := &cobra.Command{
		Use:   "chat (--model ID | --peer ID) [--message TEXT] [--session FILE]...",
		Short: "Stream an answer from the best host of a model (by price, then latency), failing over if it dies",
		Long: `chat finds the hosts of --model (as discover does) and streams the answer
from the cheapest, then fastest; if that host dies mid-request it starts
again on the next and says so on stderr. --peer asks one host, by peer id.
The prompt is --message, or standard input.

With --session (a file that fabnode client session open wrote; one per host,
repeatable) the chat is paid: only the hosts the sessions name are asked,
each request is signed by the session key of the host it goes to, the
receipts the host asks for travel back on the stream after checking them
against what arrived, and each session file keeps its new state.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (model == "") == (peerID == "") {
				return errors.New("give --model ID or --peer ID")
			}
			if message == "" {
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
				if err != nil {
					return err
				}
				message = strings.TrimSpace(string(b))
			}
			if message == "" {
				return errors.New("no prompt: give --message or write it to standard input")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			c, err := cn.start(ctx, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Net.Close()
			var cands []client.Candidate
			if peerID != "" {
				p, err := peer.Decode(peerID)
				if err != nil {
					return fmt.Errorf("--peer: %w", err)
				}
				if c.Net.Host.Network().Connectedness(p) != network.Connected && len(c.Net.Host.Peerstore().Addrs(p)) == 0 {
					fctx, cancel := context.WithTimeout(ctx, cn.wait)
					ai, err := c.Net.DHT.FindPeer(fctx, p)
					cancel()
					if err != nil {
						return fmt.Errorf("finding peer %s: %w", p, err)
					}
					c.Net.Host.Peerstore().AddAddrs(p, ai.Addrs, time.Hour)
				}
				cands = []client.Candidate{c.Candidate(ctx, p, model)}
			} else if cands, err = c.Discover(ctx, model, client.DiscoverOptions{Wait: cn.wait, Want: 8}); err != nil {
				return err
			}
			var paid *paidChat
			if len(sessionPaths) > 0 {
				if paid, err = openPaidChat(sessionPaths); err != nil {
					return err
				}
				if cands = paid.hosts(cands); len(cands) == 0 {
					return errors.New("none of the hosts found is one a --session names, for its model: open a session with one of them (fabnode client session open)")
				}
				c.Payer = paid.sessions
			}
			if cands[0].Err != nil {
				return fmt.Errorf("host %s: %w", cands[0].Peer, cands[0].Err)
			}
			body := map[string]any{"max_tokens": maxTokens, "temperature": temperature}
			endpoint := wire.EndpointChat
			if completion {
				endpoint, body["prompt"] = wire.EndpointCompletion, message
			} else {
				body["messages"] = []map[string]string{{"role": "user", "content": message}}
			}
			b, _ := json.Marshal(body)
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			fmt.Fprintf(stderr, "host %s (%s), model %s, %s\n", cands[0].Peer, cands[0].Address.Hex(), safe(cands[0].Model), priceText(cands[0].Price))
			out := &replayWriter{w: stdout}
			var res *client.Result
			chat := func() (err error) {
				res, err = c.Chat(ctx, cands, client.Request{Endpoint: endpoint, Body: b}, client.Handler{
					OnText: func(_ peer.ID, t string) { out.text(t) },
					OnFailover: func(from peer.ID, ferr error, received string, to peer.ID) {
						fmt.Fprintf(stderr, "\n[host %s failed after %d bytes: %s; starting again on %s]\n", from, len(received), safe(truncate(ferr.Error(), 120)), to)
						out.restart()
					},
				})
				return err
			}
			if paid != nil {
				err = untilSessionSeen(ctx, cn.wait, stderr, "[waiting for the host to see the session confirmed]", chat)
			} else {
				err = chat()
			}
			fmt.Fprintln(stdout)
			if paid != nil {
				finish := "-"
				if err == nil {
					finish = res.End.Finish
				}
				err = errors.Join(err, paid.record(finish, stderr))
			}
			if err != nil {
				return err
			}
			e := res.End
			cost := "free"
			if e.CostNanos != nil && e.Quote != nil {
				cost = fmt.Sprintf("%d nano-%s", *e.CostNanos, e.Quote.Currency)
			}
			fmt.Fprintf(stderr, "[%s: %d prompt + %d completion tokens, finish %s, cost %s, from %s]\n",
				res.Host, e.Usage.PromptTokens, e.Usage.CompletionTokens, e.Finish, cost, e.NodeAddress)
			return nil
		},
	}
	cn.flags(cmd)
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "the model: its SHA-256 (hex), its CID, or its name as hosts announce it")
	f.StringVar(&peerID, "peer", "", "ask this host (its peer id) for its default model, or --model")
	f.StringVarP(&message, "message", "m", "", "the prompt (default: standard input)")
	f.IntVar(&maxTokens, "max-tokens", 256, "the most tokens to generate")
	f.Float64Var(&temperature, "temperature", 0, "sampling temperature (0: greedy)")
	f.BoolVar(&completion, "completion", false, "send the prompt as a text completion instead of a chat message")
	f.StringArrayVar(&sessionPaths, "session", nil, "pay on this session file (from fabnode client session open; repeatable, one per host): only the hosts the sessions name are asked")
	return cmd
}

// paidChat is the sessions a paid `client chat` pays on, by host.
type paidChat struct {
	sessions fclient.Sessions // the client's Payer
	files    map[common.Address]*paidFile
}

// paidFile is one session file and where its session stood before.
type paidFile struct {
	*sessionFile
	path   string
	before fclient.Receipt
}

func openPaidChat(paths []string) (*paidChat, error) {
	p := &paidChat{sessions: fclient.Sessions{}, files: map[common.Address]*paidFile{}}
	for _, path := range paths {
		sf, err := readSessionFile(path)
		if err != nil {
			return nil, err
		}
		switch {
		case sf.Closed:
			return nil, fmt.Errorf("%s: session %s is closed: open a new one", path, sf.Session)
		case p.files[sf.Host] != nil:
			return nil, fmt.Errorf("%s and %s are both sessions with host %s: give one", p.files[sf.Host].path, path, sf.Host.Hex())
		}
		key, err := sf.sessionKey()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if key == nil {
			return nil, fmt.Errorf("%s: session %s has no session key, and a paid chat over libp2p signs with one (open it with --session-key, the default, or chat on it with fabnode client session chat)", path, sf.Session)
		}
		s := sf.restore(key)
		p.sessions[sf.Host], p.files[sf.Host] = s, &paidFile{sessionFile: sf, path: path, before: s.Receipted()}
	}
	return p, nil
}

// hosts keeps the candidates with a session for the model they serve.
func (p *paidChat) hosts(cands []client.Candidate) []client.Candidate {
	var keep []client.Candidate
	for _, cd := range cands {
		if f := p.files[cd.Address]; f != nil && (cd.SHA256 == "" || strings.EqualFold(cd.SHA256, f.ModelSHA256)) {
			keep = append(keep, cd)
		}
	}
	return keep
}

// record saves every session's new state and prints what it paid.
func (p *paidChat) record(finish string, stderr io.Writer) error {
	var errs []error
	for host, f := range p.files {
		errs = append(errs, f.record(f.path, p.sessions[host], f.before, finish, stderr))
	}
	return errors.Join(errs...)
}

// untilSessionSeen runs try again, every 250 ms for at most wait, while
// the node refuses it for a session it has not seen confirmed on its view
// of the chain yet (a session opened a moment ago), saying waiting on
// stderr once. Both transports' refusals count: HTTP's 402 and a libp2p
// payment_required error.
func untilSessionSeen(ctx context.Context, wait time.Duration, stderr io.Writer, waiting string, try func() error) error {
	told := false
	for deadline := time.Now().Add(wait); ; {
		err := try()
		if err == nil || !sessionNotYetSeen(err) || time.Now().After(deadline) {
			return err
		}
		if !told {
			fmt.Fprintln(stderr, waiting)
			told = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func sessionNotYetSeen(err error) bool {
	var msg string
	var we *wire.Error
	var he *fclient.Error
	switch {
	case errors.As(err, &we) && we.Kind == "payment_required":
		msg = we.Message
	case errors.As(err, &he) && he.Status == http.StatusPaymentRequired:
		msg = he.Message
	default:
		return false
	}
	return strings.Contains(msg, "not known") || strings.Contains(msg, "not confirmed")
}

func priceText(p *wire.Price) string {
	if p == nil {
		return "free"
	}
	return fmt.Sprintf("%.4f/%.4f %s per million input/output tokens", float64(p.InputNanosPerToken)/1000, float64(p.OutputNanosPerToken)/1000, p.Currency)
}

// replayWriter prints an answer as it streams. After a failover the next
// host starts from the beginning: a greedy answer repeats what was
// printed, which is not printed twice; an answer that differs is printed
// whole after a marker.
type replayWriter struct {
	w       io.Writer
	printed string // what the terminal shows
	cur     string // the current host's answer so far
}

func (r *replayWriter) text(t string) {
	r.cur += t
	switch {
	case strings.HasPrefix(r.printed, r.cur):
		// replaying what is shown
	case strings.HasPrefix(r.cur, r.printed):
		fmt.Fprint(r.w, printable(r.cur[len(r.printed):]))
		r.printed = r.cur
	default:
		fmt.Fprint(r.w, "\n[the new host's answer differs; from its start:]\n"+printable(r.cur))
		r.printed = r.cur
	}
}

func (r *replayWriter) restart() { r.cur = "" }

// printable is a host's text for the terminal: newlines and tabs stay,
// other control characters (escape sequences) do not.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

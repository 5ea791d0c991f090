package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/p2p"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
)

// p2pCmd is `fabnode p2p status|peers`: the running node's libp2p host,
// read over its admin listener.
func p2pCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "p2p",
		Short: "Show the running node's libp2p host (over its admin listener)",
	}
	cmd.AddCommand(p2pStatusCmd(), p2pPeersCmd())
	return cmd
}

func p2pStatusCmd() *cobra.Command {
	var target adminTarget
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Reachability, listen and observed addresses, peers, DHT, models provided, protocols",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st p2p.Status
			raw, err := adminGet(&target, "/admin/p2p/status", &st)
			if err != nil {
				return err
			}
			if asJSON {
				_, err := cmd.OutOrStdout().Write(raw)
				return err
			}
			printStatus(cmd.OutOrStdout(), st)
			return nil
		},
	}
	target.flags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

func p2pPeersCmd() *cobra.Command {
	var target adminTarget
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "peers",
		Short: "List the connected peers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out struct {
				Peers []p2pnet.Peer `json:"peers"`
			}
			raw, err := adminGet(&target, "/admin/p2p/peers", &out)
			if err != nil {
				return err
			}
			if asJSON {
				_, err := cmd.OutOrStdout().Write(raw)
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PEER\tADDRESS\tTRANSPORT\tDIRECTION\tLATENCY\tHOST\tREMOTE")
			for _, p := range out.Peers {
				lat := "-"
				if p.LatencyMS > 0 {
					lat = fmt.Sprintf("%.1fms", p.LatencyMS)
				}
				tr := p.Transport
				if p.Limited {
					tr += " (limited)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safe(p.PeerID), safe(p.Address), tr, p.Direction, lat, yesNo(p.Host), safe(strings.Join(p.Addrs, " ")))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d peers\n", len(out.Peers))
			return nil
		},
	}
	target.flags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the peers as JSON")
	return cmd
}

// adminGet reads an admin endpoint's JSON into v and returns it raw.
func adminGet(target *adminTarget, path string, v any) ([]byte, error) {
	resp, err := target.post(path, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, fmt.Errorf("the node's admin listener serves no %s: the node runs without p2p (p2p.enabled = false), or without the p2p admin routes", path)
	default:
		var e struct {
			Error any `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return nil, fmt.Errorf("the node answered %d: %s", resp.StatusCode, safe(fmt.Sprint(e.Error)))
	}
	return raw, json.Unmarshal(raw, v)
}

func printStatus(out io.Writer, st p2p.Status) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	row := func(k string, vs ...string) {
		if len(vs) == 0 {
			vs = []string{"-"}
		}
		for i, v := range vs {
			if i > 0 {
				k = ""
			}
			fmt.Fprintf(w, "%s\t%s\n", k, safe(v))
		}
	}
	row("peer id", st.PeerID)
	row("address", st.Address)
	row("reachability", st.Reachability)
	row("listen", st.ListenAddrs...)
	row("advertised", st.Addrs...)
	row("observed", st.ObservedAddrs...)
	row("peers", fmt.Sprintf("%d (hosts announced: %d)", st.Peers, st.Hosts))
	row("dht", fmt.Sprintf("%s, routing table %d", st.DHT.Mode, st.DHT.RoutingTable))
	row("services", fmt.Sprintf("relay service %s, hole punching %s, mdns %s", onOff(st.RelayService), onOff(st.HolePunching), onOff(st.MDNS)))
	var ms []string
	for _, m := range st.Models {
		ms = append(ms, fmt.Sprintf("%s  sha256 %s  cid %s", m.Name, m.SHA256, m.CID))
	}
	row("models", ms...)
	row("protocols", st.Protocols...)
	_ = w.Flush()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// safe keeps what a peer chose (its agent string, the addresses it sent)
// from writing control characters to the terminal.
func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

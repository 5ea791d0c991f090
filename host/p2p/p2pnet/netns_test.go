package p2pnet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
)

// These tests build networks of their own in Linux network namespaces
// (root, iproute2, iptables): mDNS must never multicast off the machine,
// and NAT needs routers. Each peer runs in its namespace as a child
// process: this test binary again, running TestNetnsPeer with its role in
// the environment. Nothing leaves the namespaces: they have no link to
// the machine's own network.

const (
	envRole = "FABNODE_P2P_NETNS_ROLE"
	envDir  = "FABNODE_P2P_NETNS_DIR"
)

// netns is the test's namespaces, deleted at cleanup.
type netns struct {
	t      *testing.T
	prefix string
	names  []string
}

// needNetns skips unless namespaces, veth pairs and (withNAT) iptables
// work here.
func needNetns(t *testing.T, withNAT bool) *netns {
	t.Helper()
	if os.Getenv(envRole) != "" {
		t.Skip("inside a netns child")
	}
	if os.Geteuid() != 0 {
		t.Skip("skipped: network namespaces need root (CI runs make test as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipped: iproute2's ip is not installed (apt-get install iproute2)")
	}
	if withNAT {
		if _, err := exec.LookPath("iptables"); err != nil {
			t.Skip("skipped: iptables is not installed (apt-get install iptables)")
		}
	}
	n := &netns{t: t, prefix: fmt.Sprintf("fp%d", os.Getpid()%100000)}
	probe := n.prefix + "probe"
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("skipped: cannot create a network namespace here (%v: %s)", err, bytes.TrimSpace(out))
	}
	exec.Command("ip", "netns", "del", probe).Run()
	t.Cleanup(n.cleanup)
	return n
}

func (n *netns) add(name string) string {
	full := n.prefix + name
	n.run("ip", "netns", "add", full)
	n.names = append(n.names, full)
	n.in(full, "ip", "link", "set", "lo", "up")
	return full
}

func (n *netns) cleanup() {
	for _, ns := range n.names {
		exec.Command("ip", "netns", "del", ns).Run()
	}
}

func (n *netns) run(args ...string) {
	n.t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		n.t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (n *netns) in(ns string, args ...string) {
	n.t.Helper()
	n.run(append([]string{"ip", "netns", "exec", ns}, args...)...)
}

// link joins namespaces a and b with a veth pair, addresses in CIDR
// form, and brings both ends up.
func (n *netns) link(a, ifA, addrA, b, ifB, addrB string) {
	n.run("ip", "link", "add", ifA, "netns", a, "type", "veth", "peer", "name", ifB, "netns", b)
	n.in(a, "ip", "addr", "add", addrA, "dev", ifA)
	n.in(b, "ip", "addr", "add", addrB, "dev", ifB)
	n.in(a, "ip", "link", "set", ifA, "up")
	n.in(b, "ip", "link", "set", ifB, "up")
}

// child is a peer running in a namespace.
type child struct {
	role string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{} // closed once it exited, with err set
	err  error
}

func (n *netns) start(ns, role, dir string, env ...string) *child {
	n.t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestNetnsPeer$", "-test.v", "-test.timeout=2m")
	cmd.Env = append(append(os.Environ(), envRole+"="+role, envDir+"="+dir), env...)
	c := &child{role: role, cmd: cmd, out: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	go func() { c.err = cmd.Wait(); close(c.done) }()
	n.t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	return c
}

// wait waits for the child to exit 0.
func (c *child) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-c.done:
		if c.err != nil {
			t.Fatalf("%s failed: %v\n%s", c.role, c.err, c.out)
		}
		t.Logf("%s:\n%s", c.role, lastLines(c.out.String(), 12))
	case <-time.After(d):
		c.cmd.Process.Kill()
		t.Fatalf("%s did not finish within %s:\n%s", c.role, d, c.out)
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

// readFile waits for a file a child writes.
func readFile(t *testing.T, path string, d time.Duration, kids ...*child) string {
	t.Helper()
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 && bytes.HasSuffix(b, []byte("\n")) {
			return strings.TrimSpace(string(b))
		}
		for _, k := range kids {
			select {
			case <-k.done:
				t.Fatalf("%s exited (%v) before writing %s:\n%s", k.role, k.err, filepath.Base(path), k.out)
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", filepath.Base(path), d)
		}
	}
}

func writeFile(t testing.TB, path, s string) {
	if err := os.WriteFile(path+".tmp", []byte(s+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// Two hosts on a LAN of their own (two namespaces joined by a veth pair)
// find each other by mDNS and connect.
func TestMDNSInNetns(t *testing.T) {
	n := needNetns(t, false)
	a, b := n.add("ma"), n.add("mb")
	n.link(a, n.prefix+"a0", "10.213.7.1/24", b, n.prefix+"b0", "10.213.7.2/24")
	for _, ns := range []string{a, b} {
		n.in(ns, "ip", "route", "add", "224.0.0.0/4", "dev", map[string]string{a: n.prefix + "a0", b: n.prefix + "b0"}[ns])
	}
	dir := t.TempDir()
	ka := n.start(a, "mdns-a", dir)
	kb := n.start(b, "mdns-b", dir)
	idA := readFile(t, filepath.Join(dir, "mdns-a.id"), 20*time.Second, ka, kb)
	idB := readFile(t, filepath.Join(dir, "mdns-b.id"), 20*time.Second, ka, kb)
	foundA := readFile(t, filepath.Join(dir, "mdns-a.found"), 20*time.Second, ka, kb)
	foundB := readFile(t, filepath.Join(dir, "mdns-b.found"), 20*time.Second, ka, kb)
	writeFile(t, filepath.Join(dir, "done"), "done")
	ka.wait(t, 10*time.Second)
	kb.wait(t, 10*time.Second)
	if !strings.HasPrefix(foundA, idB+" ") || !strings.HasPrefix(foundB, idA+" ") {
		t.Fatalf("a found %q, b found %q; ids %s %s", foundA, foundB, idA, idB)
	}
	if !strings.Contains(foundA, "/ip4/10.213.7.2/") || !strings.Contains(foundB, "/ip4/10.213.7.1/") {
		t.Errorf("not connected over the LAN: %q %q", foundA, foundB)
	}
}

// Two hosts behind separate NATs (iptables masquerade) reach each other
// through a circuit relay, then hole punching (DCUtR) upgrades them to a
// direct connection, which a stream then uses.
//
//	h1 192.168.1.2 -- nat1 (masquerade) 11.77.0.11 --+
//	                                                  +-- bridge -- relay 11.77.0.1
//	h2 192.168.2.2 -- nat2 (masquerade) 11.77.0.12 --+
//
// 11.77.0.0/24 stands for the internet: libp2p only hole-punches through
// public addresses. It exists only inside these namespaces.
func TestNATRelayAndHolePunchInNetns(t *testing.T) {
	n := needNetns(t, true)
	inet, relay, nat1, nat2, h1, h2 := n.add("in"), n.add("rl"), n.add("n1"), n.add("n2"), n.add("h1"), n.add("h2")
	br := n.prefix + "br"
	n.in(inet, "ip", "link", "add", br, "type", "bridge")
	n.in(inet, "ip", "link", "set", br, "up")
	join := func(ns, name, addr string) {
		n.run("ip", "link", "add", n.prefix+name, "netns", ns, "type", "veth", "peer", "name", n.prefix+name+"b", "netns", inet)
		n.in(ns, "ip", "addr", "add", addr, "dev", n.prefix+name)
		n.in(ns, "ip", "link", "set", n.prefix+name, "up")
		n.in(inet, "ip", "link", "set", n.prefix+name+"b", "master", br)
		n.in(inet, "ip", "link", "set", n.prefix+name+"b", "up")
	}
	join(relay, "r", "11.77.0.1/24")
	join(nat1, "p1", "11.77.0.11/24")
	join(nat2, "p2", "11.77.0.12/24")
	for i, pair := range [][2]string{{nat1, h1}, {nat2, h2}} {
		nat, h := pair[0], pair[1]
		lan := fmt.Sprintf("192.168.%d", i+1)
		n.link(nat, fmt.Sprintf("%sl%d", n.prefix, i+1), lan+".1/24", h, fmt.Sprintf("%se%d", n.prefix, i+1), lan+".2/24")
		n.in(h, "ip", "route", "add", "default", "via", lan+".1")
		n.in(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1")
		pub := fmt.Sprintf("%sp%d", n.prefix, i+1)
		n.in(nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", pub, "-j", "MASQUERADE")
		// Like a home router, it drops what comes unasked to its own
		// address. (Otherwise a punch packet that arrives before the
		// host's own leaves a conntrack entry that makes the NAT map the
		// host's port to another: the holes no longer line up.)
		n.in(nat, "iptables", "-A", "INPUT", "-i", pub, "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP")
	}
	dir := t.TempDir()
	kr := n.start(relay, "relay", dir)
	relayAddr := readFile(t, filepath.Join(dir, "relay.addr"), 20*time.Second, kr)
	k1 := n.start(h1, "nat-h1", dir, "FABNODE_P2P_RELAY="+relayAddr)
	id1 := readFile(t, filepath.Join(dir, "nat-h1.id"), 30*time.Second, kr, k1)
	k2 := n.start(h2, "nat-h2", dir, "FABNODE_P2P_RELAY="+relayAddr, "FABNODE_P2P_TARGET="+id1)
	k2.wait(t, 60*time.Second)
	writeFile(t, filepath.Join(dir, "done"), "done")
	k1.wait(t, 10*time.Second)
	kr.wait(t, 10*time.Second)
	res := readFile(t, filepath.Join(dir, "nat-h2.result"), time.Second)
	t.Logf("h2: %s", res)
	if !strings.Contains(res, "relayed=ok") {
		t.Fatalf("no stream through the relay: %s", res)
	}
	if !strings.Contains(res, "direct=ok") {
		t.Fatalf("hole punching did not upgrade the connection: %s", res)
	}
}

var echoProto = protocol.ID("/fabnode-test/echo/1")

const dcutr = protocol.ID("/libp2p/dcutr")

// waitProto waits until the host serves p.
func waitProto(t *testing.T, nt *Net, p protocol.ID) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		for _, q := range nt.Host.Mux().Protocols() {
			if q == p {
				time.Sleep(50 * time.Millisecond) // the service is set up right after its handler
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the host never served %s (observed addresses %v)", p, nt.Status().ObservedAddrs)
		}
	}
}

func echo(s network.Stream) {
	defer s.Close()
	io.Copy(s, io.LimitReader(s, 1<<10))
}

// TestNetnsPeer is one peer of the namespace tests: it only runs as their
// child process.
func TestNetnsPeer(t *testing.T) {
	role, dir := os.Getenv(envRole), os.Getenv(envDir)
	if role == "" {
		t.Skip("run by the network namespace tests")
	}
	done := filepath.Join(dir, "done")
	waitDone := func() {
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(done); err == nil {
				return
			}
		}
	}
	all := []string{"/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"}
	logf := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	switch role {
	case "mdns-a", "mdns-b":
		nt := newNetIn(t, Options{Listen: all, MDNS: true, MDNSName: "fabnode-test"})
		writeFile(t, filepath.Join(dir, role+".id"), nt.Host.ID().String())
		var found peer.ID
		for deadline := time.Now().Add(20 * time.Second); found == ""; time.Sleep(10 * time.Millisecond) {
			if ps := nt.Host.Network().Peers(); len(ps) > 0 {
				found = ps[0]
			}
			if time.Now().After(deadline) {
				t.Fatal("no peer found by mDNS")
			}
		}
		var remote []string
		for _, c := range nt.Host.Network().ConnsToPeer(found) {
			remote = append(remote, c.RemoteMultiaddr().String())
		}
		logf("found %s by mDNS at %v", found, remote)
		writeFile(t, filepath.Join(dir, role+".found"), found.String()+" "+strings.Join(remote, " "))
		waitDone()

	case "relay":
		nt := newNetIn(t, Options{Listen: []string{"/ip4/11.77.0.1/tcp/4001", "/ip4/11.77.0.1/udp/4001/quic-v1"}, RelayService: true, Reachability: "public"})
		writeFile(t, filepath.Join(dir, "relay.addr"), "/ip4/11.77.0.1/udp/4001/quic-v1/p2p/"+nt.Host.ID().String())
		logf("relay %s", nt.Host.ID())
		waitDone()

	case "nat-h1":
		relay := os.Getenv("FABNODE_P2P_RELAY")
		nt := newNetIn(t, Options{Listen: all, Relays: []string{relay}, Bootstrap: []string{relay}, Reachability: "private", HolePunching: true})
		nt.Host.SetStreamHandler(echoProto, echo)
		// The relay reservation shows as a circuit address.
		for deadline := time.Now().Add(20 * time.Second); !hasCircuit(nt.Host.Addrs()); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no relay reservation; addrs %v", nt.Host.Addrs())
			}
		}
		// Hole punching starts once the host knows a public address of its
		// own (from the relay's identify): it then serves DCUtR, and punches
		// for relayed connections that arrive after.
		waitProto(t, nt, dcutr)
		logf("h1 %s reserved: %v; observed %v", nt.Host.ID(), nt.Host.Addrs(), nt.Status().ObservedAddrs)
		writeFile(t, filepath.Join(dir, "nat-h1.id"), nt.Host.ID().String())
		waitDone()
		logf("h1 peers at the end: %+v", nt.Peers())

	case "nat-h2":
		relay := os.Getenv("FABNODE_P2P_RELAY")
		target, err := peer.Decode(os.Getenv("FABNODE_P2P_TARGET"))
		if err != nil {
			t.Fatal(err)
		}
		nt := newNetIn(t, Options{Listen: all, Bootstrap: []string{relay}, Reachability: "private", HolePunching: true})
		ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
		defer cancel()
		waitProto(t, nt, dcutr)
		circuit, _ := ma.NewMultiaddr(relay + "/p2p-circuit/p2p/" + target.String())
		ai, _ := peer.AddrInfoFromP2pAddr(circuit)
		result := []string{}
		if err := nt.Host.Connect(ctx, *ai); err != nil {
			t.Fatalf("connecting through the relay: %v", err)
		}
		if err := roundTrip(network.WithAllowLimitedConn(ctx, "test"), nt, target); err != nil {
			t.Fatalf("a stream through the relay: %v", err)
		}
		result = append(result, "relayed=ok")
		logf("h2 reached h1 through the relay; waiting for hole punching")
		// The DHT may have reached h1 through the relay before either side
		// could hole-punch: Direct dials again so that h1 punches now.
		direct := nt.Direct(ctx, target, 20*time.Second)
		if direct {
			// A stream that may not use a limited connection: the direct one.
			if err := roundTrip(ctx, nt, target); err != nil {
				t.Fatalf("a stream on the direct connection: %v", err)
			}
			result = append(result, "direct=ok")
		} else {
			result = append(result, "direct=none")
		}
		for _, c := range nt.Host.Network().ConnsToPeer(target) {
			result = append(result, fmt.Sprintf("conn=%s limited=%v", c.RemoteMultiaddr(), c.Stat().Limited))
		}
		logf("h2: %s", strings.Join(result, " "))
		writeFile(t, filepath.Join(dir, "nat-h2.result"), strings.Join(result, " "))
	default:
		t.Fatalf("unknown role %q", role)
	}
}

func newNetIn(t *testing.T, o Options) *Net {
	t.Helper()
	o.Registerer = prometheus.NewRegistry()
	nt, err := New(o, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nt.Close() })
	return nt
}

func hasCircuit(addrs []ma.Multiaddr) bool {
	for _, a := range addrs {
		if strings.Contains(a.String(), "/p2p-circuit") {
			return true
		}
	}
	return false
}

func roundTrip(ctx context.Context, nt *Net, p peer.ID) error {
	s, err := nt.Host.NewStream(ctx, p, echoProto)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := s.Write([]byte("ping")); err != nil {
		return err
	}
	s.CloseWrite()
	b, err := io.ReadAll(s)
	if err != nil {
		return err
	}
	if string(b) != "ping" {
		return fmt.Errorf("echo %q", b)
	}
	return nil
}

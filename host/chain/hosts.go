package chain

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain/bindings"
)

// MaxDirectoryHosts bounds the hosts a HostDirectory follows: a
// registration costs gas, but nothing else stops an address from filling
// a reader's memory with entries.
const MaxDirectoryHosts = 1024

// RegisteredHost is one NodeRegistry entry.
type RegisteredHost struct {
	Address common.Address
	Info    bindings.NodeRegistryHostInfo
}

// HostDirectory lists the hosts registered in a NodeRegistry: what
// discovery dials besides its bootstrap peers. The registry has no list
// to read, so the directory learns the hosts from its HostRegistered and
// HostUpdated events, scanning only the blocks since its last call, and
// reads each host's entry at the head: an entry since removed, or an
// event a reorg dropped, leaves nothing behind.
type HostDirectory struct {
	b        Backend
	registry common.Address
	maxRange uint64

	mu    sync.Mutex
	next  uint64 // the first block not scanned yet
	hosts map[common.Address]struct{}
}

// NewHostDirectory follows the NodeRegistry at registry from block from
// (the block it was deployed in, or 0), reading at most maxRange blocks of
// logs per call (0: DefaultMaxLogRange).
func NewHostDirectory(b Backend, registry common.Address, from, maxRange uint64) *HostDirectory {
	if maxRange == 0 {
		maxRange = DefaultMaxLogRange
	}
	return &HostDirectory{b: b, registry: registry, maxRange: maxRange, next: from, hosts: map[common.Address]struct{}{}}
}

// Hosts returns the registered hosts, in address order.
func (d *HostDirectory) Hosts(ctx context.Context) ([]RegisteredHost, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.scan(ctx); err != nil {
		return nil, err
	}
	addrs := make([]common.Address, 0, len(d.hosts))
	for a := range d.hosts {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(a, b common.Address) int { return a.Cmp(b) })
	var out []RegisteredHost
	for _, a := range addrs {
		info, ok, err := HostEntry(ctx, d.b, d.registry, a)
		if err != nil {
			return out, err
		}
		if !ok { // unregistered since
			delete(d.hosts, a)
			continue
		}
		out = append(out, RegisteredHost{Address: a, Info: info})
	}
	return out, nil
}

// HostEntry reads host's entry in the NodeRegistry at registry; ok is
// false when host is not registered.
func HostEntry(ctx context.Context, b Backend, registry, host common.Address) (info bindings.NodeRegistryHostInfo, ok bool, err error) {
	got, err := call(ctx, b, registry, nodesABI.PackGetHost(host), nodesABI.UnpackGetHost)
	if err != nil {
		return info, false, fmt.Errorf("NodeRegistry %s: getHost(%s): %w", registry.Hex(), host.Hex(), err)
	}
	return got.Info, got.RegisteredAt != 0, nil
}

// scan adds the hosts named by registration events since d.next.
func (d *HostDirectory) scan(ctx context.Context) error {
	head, err := d.b.BlockNumber(ctx)
	if err != nil {
		return fmt.Errorf("NodeRegistry %s: head: %w", d.registry.Hex(), err)
	}
	topics := []common.Hash{nodesABI.GetABI().Events["HostRegistered"].ID, nodesABI.GetABI().Events["HostUpdated"].ID}
	for d.next <= head {
		to := min(head, d.next+d.maxRange-1)
		logs, err := d.b.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(d.next),
			ToBlock: new(big.Int).SetUint64(to), Addresses: []common.Address{d.registry}, Topics: [][]common.Hash{topics}})
		if err != nil {
			return fmt.Errorf("NodeRegistry %s: logs of blocks %d-%d: %w", d.registry.Hex(), d.next, to, err)
		}
		for _, l := range logs {
			if len(l.Topics) < 2 || len(d.hosts) >= MaxDirectoryHosts {
				continue
			}
			d.hosts[common.BytesToAddress(l.Topics[1].Bytes())] = struct{}{}
		}
		d.next = to + 1
	}
	return nil
}

package chain

import (
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Network is a chain preset.
type Network struct {
	Name    string
	ChainID int64
	// RPC is a public endpoint, for tools; a node sets its own (public ones
	// are rate limited).
	RPC string
}

// Networks are the presets of the config's chain.network.
var Networks = map[string]Network{
	"local":        {Name: "local", ChainID: 1337, RPC: "http://127.0.0.1:8545"},
	"base-sepolia": {Name: "base-sepolia", ChainID: 84532, RPC: "https://sepolia.base.org"},
	"base":         {Name: "base", ChainID: 8453, RPC: "https://mainnet.base.org"},
}

// Defaults of the zero values in Config.
const (
	DefaultConfirmations = 3
	DefaultPollInterval  = 2 * time.Second
	DefaultReceiptPoll   = 250 * time.Millisecond
	DefaultBumpAfter     = 30 * time.Second
	DefaultMaxLogRange   = 2000
	DefaultRPCTimeout    = 10 * time.Second
	// ReorgDepth is how far back the monitor follows a reorg; deeper ones
	// are beyond what a session's confirmations protect anyway.
	ReorgDepth = 128
)

// Config is a node's chain connection, its contracts and the pace of its
// services. Zero durations and counts take the defaults above.
type Config struct {
	RPC     string
	ChainID *big.Int // the endpoint must report this id

	Escrow, NodeRegistry, ModelRegistry common.Address

	StartBlock    uint64 // the monitor's first block on its first run; 0 = the head
	Confirmations uint64
	PollInterval  time.Duration // the session monitor's
	ReceiptPoll   time.Duration // the transaction manager's
	BumpAfter     time.Duration
	MaxFee        *big.Int // wei per gas; nil = no cap
	MaxLogRange   uint64
	RPCTimeout    time.Duration
}

func (c Config) withDefaults() Config {
	if c.Confirmations == 0 {
		c.Confirmations = DefaultConfirmations
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.ReceiptPoll <= 0 {
		c.ReceiptPoll = DefaultReceiptPoll
	}
	if c.BumpAfter <= 0 {
		c.BumpAfter = DefaultBumpAfter
	}
	if c.MaxLogRange == 0 {
		c.MaxLogRange = DefaultMaxLogRange
	}
	if c.RPCTimeout <= 0 {
		c.RPCTimeout = DefaultRPCTimeout
	}
	return c
}

// ResolveChainID returns the chain id of a network preset and an explicit
// chain_id (0 = none): they must agree, and "custom" needs the explicit one.
// network "" is "local".
func ResolveChainID(network string, chainID int64) (*big.Int, error) {
	if network == "" {
		network = "local"
	}
	if network == "custom" {
		if chainID <= 0 {
			return nil, errors.New(`chain.network = "custom" needs chain.chain_id`)
		}
		return big.NewInt(chainID), nil
	}
	n, ok := Networks[network]
	if !ok {
		return nil, fmt.Errorf("unknown chain.network %q: want local, base-sepolia, base or custom", network)
	}
	if chainID != 0 && chainID != n.ChainID {
		return nil, fmt.Errorf("chain.chain_id = %d, but chain.network = %q is chain %d: set network = \"custom\" for another chain", chainID, network, n.ChainID)
	}
	return big.NewInt(n.ChainID), nil
}

// ParseAddress reads a contract or account address for the config key
// named what: 0x and 40 hex digits; "" is the zero address.
func ParseAddress(what, s string) (common.Address, error) {
	if s == "" {
		return common.Address{}, nil
	}
	if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return common.Address{}, fmt.Errorf("%s = %q is not an address (0x and 40 hex digits)", what, s)
	}
	a := common.HexToAddress(s)
	if mixed := s[2:] != strings.ToLower(s[2:]) && s[2:] != strings.ToUpper(s[2:]); mixed && a.Hex() != s {
		return common.Address{}, fmt.Errorf("%s = %q fails its EIP-55 checksum (a typo?); the checksummed form is %s", what, s, a.Hex())
	}
	return a, nil
}

// CheckRPC refuses an endpoint ethclient cannot dial.
func CheckRPC(raw string) error {
	if raw == "" {
		return errors.New("no chain.rpc")
	}
	if !strings.Contains(raw, "://") {
		return nil // an IPC socket path
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("chain.rpc is not a URL")
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
		return nil
	}
	return fmt.Errorf("chain.rpc has scheme %q: want http, https, ws or wss", u.Scheme)
}

// RedactRPC is the endpoint as it may be logged: scheme and host only (paths
// and queries of hosted endpoints carry API keys).
func RedactRPC(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		if strings.Contains(raw, "://") {
			return "(unparsable URL)"
		}
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// scrub is err's message with the endpoint redacted (RPC errors quote the
// URL, and hosted endpoints carry API keys in it).
func (c Config) scrub(err error) string {
	s := err.Error()
	if c.RPC != "" {
		s = strings.ReplaceAll(s, c.RPC, RedactRPC(c.RPC))
	}
	return s
}

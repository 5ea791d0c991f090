// Command hostile is a pricing plugin that misbehaves on request, for the
// host's hostile-plugin suite. The quote's Model selects the behaviour; the
// config key "init" makes fab_init panic ("panic") or fail ("fail").
package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/fabnode/fabnode/sdk"
)

var (
	instanceID uint32 // from the host's random source
	calls      uint32
	busy       bool
	hoard      [][]byte
	sink       uint64
)

func configure(c sdk.Config) error {
	switch c.String("init", "") {
	case "panic":
		panic("hostile: panic in init")
	case "fail":
		return errors.New("hostile: refusing to start")
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	instanceID = binary.LittleEndian.Uint32(b[:])
	return nil
}

func quote(req sdk.QuoteRequest) (sdk.Quote, error) {
	if busy {
		return sdk.Quote{}, errors.New("instance entered by two calls at once")
	}
	busy = true
	defer func() { busy = false }()
	calls++
	q := sdk.Quote{InputNanosPerToken: 1, OutputNanosPerToken: 2, Currency: fmt.Sprintf("%08x:%d", instanceID, calls)}
	switch req.Model {
	case "ok":
	case "work": // a little work, to widen any window for overlapping calls
		for i := range 20000 {
			sink += uint64(i) * uint64(req.PromptTokens)
		}
	case "loop":
		for {
			sink++
		}
	case "bomb":
		for {
			hoard = append(hoard, make([]byte, 8<<20))
		}
	case "panic":
		panic("hostile: panic in hook")
	case "flood":
		line := strings.Repeat("x", 1023) + "\n"
		for range 10_000 { // 10 MiB
			os.Stdout.WriteString(line)
		}
	case "huge":
		q.Currency = strings.Repeat("$", 8<<20)
	case "exit":
		os.Exit(3)
	case "escape": // report what of the outside world the sandbox lets through
		var seen []string
		if _, err := os.ReadFile("/etc/hostname"); err == nil {
			seen = append(seen, "read /etc/hostname")
		}
		if err := os.WriteFile("/tmp/fabnode-escape", []byte("x"), 0o644); err == nil {
			seen = append(seen, "wrote /tmp")
		}
		if entries, err := os.ReadDir("/"); err == nil || len(entries) > 0 {
			seen = append(seen, "listed /")
		}
		if _, err := os.ReadDir("."); err == nil {
			seen = append(seen, "listed .")
		}
		if env := os.Environ(); len(env) > 0 {
			seen = append(seen, fmt.Sprintf("%d env vars", len(env)))
		}
		if len(os.Args) > 0 && os.Args[0] != "" {
			seen = append(seen, "args "+strings.Join(os.Args, " "))
		}
		q.Currency = "sandboxed:" + strings.Join(seen, ",")
	default:
		return sdk.Quote{}, fmt.Errorf("unknown mode %q", req.Model)
	}
	return q, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "hostile", Init: configure, Quote: quote})
}

func main() {}

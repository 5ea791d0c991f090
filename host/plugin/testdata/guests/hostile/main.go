// Command hostile is a pricing plugin that misbehaves on request, for the
// host's hostile-plugin suite. The quote's Model selects the behaviour, or
// the config key "quote" for every quote; the config key "init" makes
// fab_init panic ("panic"), fail ("fail"), spin forever ("loop") or take
// 200 ms ("slow"), and "input" sets the input price. Its quotes are
// otherwise valid: one minute long, in a currency named
// "<instance>-<call>".
package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/fabnode/fabnode/sdk"
)

var (
	instanceID uint32 // from the host's random source
	calls      uint32
	busy       bool
	hoard      [][]byte
	sink       uint64
	always     string // the config's "quote"
	price      int64  // the config's "input": the input price quoted
)

func configure(c sdk.Config) error {
	switch c.String("init", "") {
	case "panic":
		panic("hostile: panic in init")
	case "fail":
		return errors.New("hostile: refusing to start")
	case "loop":
		for {
			sink++
		}
	case "slow":
		for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
			sink++
		}
	}
	always = c.String("quote", "")
	var err error
	if price, err = c.Int("input", 1); err != nil {
		return err
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
	q := sdk.Quote{InputNanosPerToken: price, OutputNanosPerToken: 2, Currency: fmt.Sprintf("%08x-%d", instanceID, calls),
		ValidUntilUnixMilli: req.UnixMillis + 60_000}
	mode := req.Model
	if always != "" {
		mode = always
	}
	switch mode {
	case "ok":
	case "slow": // 400 ms of work, to overlap a reload
		for start := time.Now(); time.Since(start) < 400*time.Millisecond; {
			sink++
		}
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
	case "grow": // grow the heap a MiB at a time and touch every page of it
		for {
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			hoard = append(hoard, b)
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
		q.Currency = "sandboxed" + strings.Join(seen, ",")
	case "ansi": // output a terminal would obey, and a forged log record
		os.Stdout.WriteString("\x1b[2J\r[INFO]  plugin: forged record\n")
		os.Stderr.WriteString("\x1b]0;owned\x07\n")
	case "escseq": // a currency a terminal would obey
		q.Currency = "USD\x1b[2J\rsha256  0000"
	default:
		return sdk.Quote{}, fmt.Errorf("unknown mode %q", mode)
	}
	return q, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "hostile", Init: configure, Quote: quote})
}

func main() {}

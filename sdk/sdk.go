package sdk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fabnode/fabnode/abi"
)

// Types shared with the host, re-exported so that plugins import only sdk.
type (
	Kind              = abi.Kind
	Action            = abi.Action
	Format            = abi.Format
	PromptCheck       = abi.PromptCheck
	Verdict           = abi.Verdict
	ChunkFilter       = abi.ChunkFilter
	ChunkResult       = abi.ChunkResult
	RedactRequest     = abi.RedactRequest
	RedactResult      = abi.RedactResult
	FormatRequest     = abi.FormatRequest
	FormatResult      = abi.FormatResult
	FormatChunk       = abi.FormatChunk
	FormatChunkResult = abi.FormatChunkResult
	CacheRequest      = abi.CacheRequest
	CachePolicy       = abi.CachePolicy
	LoadSnapshot      = abi.LoadSnapshot
	QuoteRequest      = abi.QuoteRequest
	Quote             = abi.Quote
	CommitRequest     = abi.CommitRequest
	Commitment        = abi.Commitment
)

const (
	KindSafety  = abi.KindSafety
	KindFormat  = abi.KindFormat
	KindCache   = abi.KindCache
	KindPricing = abi.KindPricing
	KindProof   = abi.KindProof

	Allow   = abi.ActionAllow
	Deny    = abi.ActionDeny
	Rewrite = abi.ActionRewrite

	FormatPlain    = abi.FormatPlain
	FormatMarkdown = abi.FormatMarkdown
	FormatHTML     = abi.FormatHTML
	FormatJSON     = abi.FormatJSON

	CommitCheckpoint = abi.CommitCheckpoint
	CommitFinal      = abi.CommitFinal
	CommitScheme     = abi.CommitScheme
)

// CommitDigest is the canonical commitment (see abi.CommitDigest).
func CommitDigest(req *CommitRequest) ([32]byte, error) { return abi.CommitDigest(req) }

// Plugin declares a plugin: its kind and the hooks it implements. Leave the
// hooks of other kinds nil. Init is optional.
type Plugin struct {
	Kind Kind
	Name string // informational, e.g. "acme-pricing/1.2"
	Init func(Config) error

	CheckPrompt func(PromptCheck) (Verdict, error)
	FilterChunk func(ChunkFilter) (ChunkResult, error)
	Redact      func(RedactRequest) (RedactResult, error)
	Format      func(FormatRequest) (FormatResult, error)
	CachePolicy func(CacheRequest) (CachePolicy, error)
	Quote       func(QuoteRequest) (Quote, error)
	Commit      func(CommitRequest) (Commitment, error)

	// FormatStream (ABI v1.1, optional) shapes a streamed output chunk by
	// chunk. Without it, the node formats whole answers only and streams
	// pass unformatted.
	FormatStream func(FormatChunk) (FormatChunkResult, error)
}

var registered *Plugin

// Register declares the plugin. Call it exactly once, from init.
func Register(p Plugin) {
	if registered != nil {
		panic("sdk.Register called twice")
	}
	registered = &p
}

func (p *Plugin) hooks() abi.HookSet {
	s := abi.HookDescribe.Bit() | abi.HookPing.Bit()
	add := func(ok bool, h abi.Hook) {
		if ok {
			s |= h.Bit()
		}
	}
	add(p.CheckPrompt != nil, abi.HookCheckPrompt)
	add(p.FilterChunk != nil, abi.HookFilterChunk)
	add(p.Redact != nil, abi.HookRedact)
	add(p.Format != nil, abi.HookFormat)
	add(p.CachePolicy != nil, abi.HookCachePolicy)
	add(p.Quote != nil, abi.HookQuote)
	add(p.Commit != nil, abi.HookCommit)
	add(p.FormatStream != nil, abi.HookFormatStream)
	return s
}

// Config is the plugin's configuration from its manifest. The getters
// return the default when a key is absent and an error naming the key when
// a value does not parse, so Init can report bad configuration precisely.
type Config map[string]string

// String returns the value of key, or def.
func (c Config) String(key, def string) string {
	if v, ok := c[key]; ok {
		return v
	}
	return def
}

// Int returns key parsed as an integer, or def.
func (c Config) Int(key string, def int64) (int64, error) {
	return get(c, key, def, "an integer", func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

// Float returns key parsed as a float, or def.
func (c Config) Float(key string, def float64) (float64, error) {
	return get(c, key, def, "a number", func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

// Duration returns key parsed by time.ParseDuration, or def.
func (c Config) Duration(key string, def time.Duration) (time.Duration, error) {
	return get(c, key, def, "a duration", time.ParseDuration)
}

// Bool returns key parsed by strconv.ParseBool, or def.
func (c Config) Bool(key string, def bool) (bool, error) {
	return get(c, key, def, "a boolean", strconv.ParseBool)
}

func get[T any](c Config, key string, def T, what string, parse func(string) (T, error)) (T, error) {
	v, ok := c[key]
	if !ok {
		return def, nil
	}
	x, err := parse(strings.TrimSpace(v))
	if err != nil {
		return def, fmt.Errorf("config %q: %q is not %s", key, v, what)
	}
	return x, nil
}

// List returns key split on sep with blanks trimmed and empties dropped.
func (c Config) List(key, sep string) []string {
	var out []string
	for _, s := range strings.Split(c[key], sep) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// The dispatcher below is platform-independent so that it is compiled (and
// vetted) natively too; exports_wasip1.go only wires it to the ABI exports.

var out []byte // result buffer, reused across calls; the host copies it

func status(s abi.Status, payload []byte) []byte {
	out = append(out[:0], byte(s))
	return append(out, payload...)
}

func fail(err error) []byte { return status(abi.StatusError, []byte(err.Error())) }

// handleInit decodes the configuration and runs Plugin.Init.
func handleInit(in []byte) []byte {
	if registered == nil {
		return fail(errors.New("no plugin registered: call sdk.Register from init"))
	}
	cfg, err := abi.DecodeConfig(in)
	if err != nil {
		return fail(err)
	}
	if registered.Init != nil {
		if err := registered.Init(Config(cfg)); err != nil {
			return fail(err)
		}
	}
	return status(abi.StatusOK, nil)
}

type decodable[T any] interface {
	*T
	UnmarshalBinary([]byte) error
}

type encodable interface {
	AppendBinary([]byte) ([]byte, error)
}

// serve decodes a request, runs fn and encodes its result after the status
// byte, reusing the output buffer.
func serve[Req any, PReq decodable[Req], Res any, PRes interface {
	*Res
	encodable
}](in []byte, fn func(Req) (Res, error)) []byte {
	if fn == nil {
		return status(abi.StatusUnsupported, nil)
	}
	var req Req
	if err := PReq(&req).UnmarshalBinary(in); err != nil {
		return fail(err)
	}
	res, err := fn(req)
	if err != nil {
		return fail(err)
	}
	out = append(out[:0], byte(abi.StatusOK))
	out, err = PRes(&res).AppendBinary(out)
	if err != nil {
		return fail(err)
	}
	return out
}

// handleCall runs one hook.
func handleCall(hook abi.Hook, in []byte) []byte {
	p := registered
	if p == nil {
		return fail(errors.New("no plugin registered: call sdk.Register from init"))
	}
	switch hook {
	case abi.HookDescribe:
		d := abi.Description{Kind: p.Kind, Hooks: p.hooks(), Name: p.Name}
		out = append(out[:0], byte(abi.StatusOK))
		out, _ = d.AppendBinary(out)
		return out
	case abi.HookPing:
		return status(abi.StatusOK, in)
	case abi.HookCheckPrompt:
		return serve[PromptCheck, *PromptCheck, Verdict, *Verdict](in, p.CheckPrompt)
	case abi.HookFilterChunk:
		return serve[ChunkFilter, *ChunkFilter, ChunkResult, *ChunkResult](in, p.FilterChunk)
	case abi.HookRedact:
		return serve[RedactRequest, *RedactRequest, RedactResult, *RedactResult](in, p.Redact)
	case abi.HookFormat:
		return serve[FormatRequest, *FormatRequest, FormatResult, *FormatResult](in, p.Format)
	case abi.HookCachePolicy:
		return serve[CacheRequest, *CacheRequest, CachePolicy, *CachePolicy](in, p.CachePolicy)
	case abi.HookQuote:
		return serve[QuoteRequest, *QuoteRequest, Quote, *Quote](in, p.Quote)
	case abi.HookCommit:
		return serve[CommitRequest, *CommitRequest, Commitment, *Commitment](in, p.Commit)
	case abi.HookFormatStream:
		return serve[FormatChunk, *FormatChunk, FormatChunkResult, *FormatChunkResult](in, p.FormatStream)
	}
	return status(abi.StatusUnsupported, nil)
}

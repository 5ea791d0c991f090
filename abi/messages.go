package abi

import (
	"fmt"
	"sort"
)

// Every message type implements AppendBinary (encoding.BinaryAppender) and
// UnmarshalBinary (encoding.BinaryUnmarshaler). Decoded []byte fields alias
// the input buffer.

// Description is what a plugin answers to HookDescribe: the kind it
// implements and the hooks it exports. The host compares both with the
// manifest at load time.
type Description struct {
	Kind  Kind
	Hooks HookSet
	Name  string // informational: the plugin's own name and version
}

func (m *Description) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Kind))
	b = appendU64(b, uint64(m.Hooks))
	return appendString(b, m.Name), nil
}

func (m *Description) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Kind = Kind(d.u8())
	m.Hooks = HookSet(d.u64())
	m.Name = d.string()
	return d.done("Description")
}

// Config is the plugin configuration handed to fab_init: the manifest's
// config map, encoded as a u32 count then (key, value) string pairs sorted
// by key so that equal maps encode to equal bytes.
type Config map[string]string

func (m Config) AppendBinary(b []byte) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = appendU32(b, uint32(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, m[k])
	}
	return b, nil
}

// DecodeConfig decodes a Config encoded by AppendBinary.
func DecodeConfig(b []byte) (Config, error) {
	d := decoder{b: b}
	n := d.u32()
	if d.err == nil && uint64(n)*8 > uint64(len(d.b)) {
		return nil, fmt.Errorf("decoding Config: %d entries cannot fit in %d bytes", n, len(d.b))
	}
	c := make(Config, n)
	for i := uint32(0); i < n && d.err == nil; i++ {
		k := d.string()
		c[k] = d.string()
	}
	return c, d.done("Config")
}

// Action is a safety verdict.
type Action uint8

const (
	ActionAllow   Action = 0
	ActionDeny    Action = 1
	ActionRewrite Action = 2 // only for CheckPrompt and Redact-like rewrites
)

func (a Action) String() string {
	switch a {
	case ActionAllow:
		return "allow"
	case ActionDeny:
		return "deny"
	case ActionRewrite:
		return "rewrite"
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// PromptCheck asks a safety plugin whether a prompt may be served.
type PromptCheck struct {
	Model  string
	Client string
	Prompt []byte
}

func (m *PromptCheck) AppendBinary(b []byte) ([]byte, error) {
	b = appendString(b, m.Model)
	b = appendString(b, m.Client)
	return appendBytes(b, m.Prompt), nil
}

func (m *PromptCheck) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Model, m.Client, m.Prompt = d.string(), d.string(), d.bytes()
	return d.done("PromptCheck")
}

// Verdict is a safety plugin's answer to PromptCheck. With ActionRewrite,
// Rewritten replaces the prompt.
type Verdict struct {
	Action    Action
	Reason    string
	Rewritten []byte
}

func (m *Verdict) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Action))
	b = appendString(b, m.Reason)
	return appendBytes(b, m.Rewritten), nil
}

func (m *Verdict) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Action, m.Reason, m.Rewritten = Action(d.u8()), d.string(), d.bytes()
	return d.done("Verdict")
}

// ChunkFilter carries one chunk of streamed output through a safety plugin.
// State is the opaque per-request state the plugin returned for the previous
// chunk (empty for the first); the host keeps it between calls so that any
// pooled instance can serve the next chunk. Final marks the end of the
// stream: the plugin must then release everything it held back.
type ChunkFilter struct {
	State []byte
	Chunk []byte
	Final bool
}

func (m *ChunkFilter) AppendBinary(b []byte) ([]byte, error) {
	b = appendBytes(b, m.State)
	b = appendBytes(b, m.Chunk)
	return appendBool(b, m.Final), nil
}

func (m *ChunkFilter) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.State, m.Chunk, m.Final = d.bytes(), d.bytes(), d.bool()
	return d.done("ChunkFilter")
}

// ChunkResult is the plugin's answer to ChunkFilter. Emit is the text that
// may be sent to the client now (it may be shorter than the chunk: a plugin
// holds back a tail that could be the start of a blocked phrase). With
// ActionDeny the stream must be cut and Reason reported.
type ChunkResult struct {
	Action Action
	Reason string
	Emit   []byte
	State  []byte
}

func (m *ChunkResult) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Action))
	b = appendString(b, m.Reason)
	b = appendBytes(b, m.Emit)
	return appendBytes(b, m.State), nil
}

func (m *ChunkResult) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Action, m.Reason, m.Emit, m.State = Action(d.u8()), d.string(), d.bytes(), d.bytes()
	return d.done("ChunkResult")
}

// RedactRequest asks a safety plugin to redact personal data from a text.
type RedactRequest struct{ Text []byte }

func (m *RedactRequest) AppendBinary(b []byte) ([]byte, error) { return appendBytes(b, m.Text), nil }

func (m *RedactRequest) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Text = d.bytes()
	return d.done("RedactRequest")
}

// RedactResult is the redacted text and how many spans were replaced.
type RedactResult struct {
	Text  []byte
	Count uint32
}

func (m *RedactResult) AppendBinary(b []byte) ([]byte, error) {
	b = appendBytes(b, m.Text)
	return appendU32(b, m.Count), nil
}

func (m *RedactResult) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Text, m.Count = d.bytes(), d.u32()
	return d.done("RedactResult")
}

// Format is an output format a client can request.
type Format uint8

const (
	FormatPlain    Format = 0
	FormatMarkdown Format = 1
	FormatHTML     Format = 2 // sanitized HTML
	FormatJSON     Format = 3 // response_format: json_object
)

var formatNames = [...]string{"plain", "markdown", "html", "json"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// FormatRequest asks a format plugin to shape a complete output.
type FormatRequest struct {
	Format Format
	Text   []byte
}

func (m *FormatRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Format))
	return appendBytes(b, m.Text), nil
}

func (m *FormatRequest) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Format, m.Text = Format(d.u8()), d.bytes()
	return d.done("FormatRequest")
}

// FormatChunk carries one chunk of a streamed output through a format
// plugin (hook format_stream, ABI v1.1). State and Final work as in
// ChunkFilter: the host keeps the plugin's state between chunks, and on
// Final the plugin releases everything it held back.
type FormatChunk struct {
	Format Format
	State  []byte
	Chunk  []byte
	Final  bool
}

func (m *FormatChunk) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Format))
	b = appendBytes(b, m.State)
	b = appendBytes(b, m.Chunk)
	return appendBool(b, m.Final), nil
}

func (m *FormatChunk) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Format, m.State, m.Chunk, m.Final = Format(d.u8()), d.bytes(), d.bytes(), d.bool()
	return d.done("FormatChunk")
}

// FormatChunkResult is the shaped text that may be sent now. Held is how
// many bytes at the end of the input so far the plugin keeps in State
// without having shown them in any form: should the plugin fail later in
// the stream, the host sends those bytes unformatted (format fails open)
// rather than lose them. On the final chunk, Valid and Problem judge the
// whole stream as FormatResult does.
type FormatChunkResult struct {
	Emit    []byte
	State   []byte
	Held    uint32
	Valid   bool
	Problem string
}

func (m *FormatChunkResult) AppendBinary(b []byte) ([]byte, error) {
	b = appendBytes(b, m.Emit)
	b = appendBytes(b, m.State)
	b = appendU32(b, m.Held)
	b = appendBool(b, m.Valid)
	return appendString(b, m.Problem), nil
}

func (m *FormatChunkResult) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Emit, m.State, m.Held, m.Valid, m.Problem = d.bytes(), d.bytes(), d.u32(), d.bool(), d.string()
	return d.done("FormatChunkResult")
}

// FormatResult is the shaped output. Valid is false when the text could not
// be brought into the requested format (e.g. no JSON object found); Problem
// then says why and Text holds the best effort.
type FormatResult struct {
	Text    []byte
	Valid   bool
	Problem string
}

func (m *FormatResult) AppendBinary(b []byte) ([]byte, error) {
	b = appendBytes(b, m.Text)
	b = appendBool(b, m.Valid)
	return appendString(b, m.Problem), nil
}

func (m *FormatResult) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Text, m.Valid, m.Problem = d.bytes(), d.bool(), d.string()
	return d.done("FormatResult")
}

// CacheRequest describes a completion request to a cache policy plugin.
type CacheRequest struct {
	Model       string
	Client      string
	Prompt      []byte
	Temperature float32
	MaxTokens   uint32
	Seed        uint64
	HasSeed     bool
}

func (m *CacheRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendString(b, m.Model)
	b = appendString(b, m.Client)
	b = appendBytes(b, m.Prompt)
	b = appendF32(b, m.Temperature)
	b = appendU32(b, m.MaxTokens)
	b = appendU64(b, m.Seed)
	return appendBool(b, m.HasSeed), nil
}

func (m *CacheRequest) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Model, m.Client, m.Prompt = d.string(), d.string(), d.bytes()
	m.Temperature, m.MaxTokens, m.Seed, m.HasSeed = d.f32(), d.u32(), d.u64(), d.bool()
	return d.done("CacheRequest")
}

// CachePolicy is the plugin's decision for a request. The host owns the
// store: it looks Key up exactly, and, when SimilarityThreshold > 0, also
// by cosine similarity of the engine's prompt embedding.
// Scope bounds semantic lookup: an entry can only answer a request with the
// same Scope (e.g. same model, and same client unless entries are shared),
// since embeddings ignore everything the key encodes besides the prompt.
type CachePolicy struct {
	Cacheable           bool
	Key                 []byte
	TTLMillis           uint32
	SimilarityThreshold float32 // 0 disables semantic lookup; else in (0, 1]
	Scope               []byte
}

func (m *CachePolicy) AppendBinary(b []byte) ([]byte, error) {
	b = appendBool(b, m.Cacheable)
	b = appendBytes(b, m.Key)
	b = appendU32(b, m.TTLMillis)
	b = appendF32(b, m.SimilarityThreshold)
	return appendBytes(b, m.Scope), nil
}

func (m *CachePolicy) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Cacheable, m.Key, m.TTLMillis, m.SimilarityThreshold, m.Scope = d.bool(), d.bytes(), d.u32(), d.f32(), d.bytes()
	return d.done("CachePolicy")
}

// LoadSnapshot is the node's load at quote time.
type LoadSnapshot struct {
	QueueDepth     uint32
	ActiveRequests uint32
	Slots          uint32  // concurrent requests the node can serve
	GPUUtil        float32 // 0..1
	TokensPerSec   float32 // recent decode throughput
}

// QuoteRequest asks a pricing plugin for a price.
type QuoteRequest struct {
	Model        string
	Client       string
	PromptTokens uint32
	MaxTokens    uint32
	Load         LoadSnapshot
	UnixMillis   int64 // the host's clock; plugins must not read their own
	// Cached (v1.2) says the answer comes from the host's response cache,
	// not the engine: the plugin decides what a cached answer costs.
	// Absent in a message from a v1.0/v1.1 host, it reads as false.
	Cached bool
}

func (m *QuoteRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendString(b, m.Model)
	b = appendString(b, m.Client)
	b = appendU32(b, m.PromptTokens)
	b = appendU32(b, m.MaxTokens)
	b = appendU32(b, m.Load.QueueDepth)
	b = appendU32(b, m.Load.ActiveRequests)
	b = appendU32(b, m.Load.Slots)
	b = appendF32(b, m.Load.GPUUtil)
	b = appendF32(b, m.Load.TokensPerSec)
	b = appendU64(b, uint64(m.UnixMillis))
	return appendBool(b, m.Cached), nil
}

func (m *QuoteRequest) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Model, m.Client, m.PromptTokens, m.MaxTokens = d.string(), d.string(), d.u32(), d.u32()
	m.Load = LoadSnapshot{d.u32(), d.u32(), d.u32(), d.f32(), d.f32()}
	m.UnixMillis = int64(d.u64())
	m.Cached = d.optBool()
	return d.done("QuoteRequest")
}

// Quote is a price offer. Prices are integers in nano-units of Currency per
// token (1 USD per million tokens = 1000), so that no float rounding ever
// reaches settlement.
type Quote struct {
	InputNanosPerToken  int64
	OutputNanosPerToken int64
	Currency            string
	ValidUntilUnixMilli int64
}

func (m *Quote) AppendBinary(b []byte) ([]byte, error) {
	b = appendU64(b, uint64(m.InputNanosPerToken))
	b = appendU64(b, uint64(m.OutputNanosPerToken))
	b = appendString(b, m.Currency)
	return appendU64(b, uint64(m.ValidUntilUnixMilli)), nil
}

func (m *Quote) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.InputNanosPerToken, m.OutputNanosPerToken = int64(d.u64()), int64(d.u64())
	m.Currency, m.ValidUntilUnixMilli = d.string(), int64(d.u64())
	return d.done("Quote")
}

// CommitKind says whether a commitment covers a checkpoint or the final
// settlement of a job.
type CommitKind uint8

const (
	CommitCheckpoint CommitKind = 0
	CommitFinal      CommitKind = 1
)

// CommitRequest is what a proof plugin commits to. The host signs the
// resulting digest; the plugin never sees a key.
type CommitRequest struct {
	Kind         CommitKind
	JobID        string
	ModelSHA256  [32]byte
	TokenStart   uint64 // inclusive
	TokenEnd     uint64 // exclusive
	OutputSHA256 [32]byte
	Prev         [32]byte // previous commitment digest; zero for the first
}

func (m *CommitRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendU8(b, uint8(m.Kind))
	b = appendString(b, m.JobID)
	b = append(b, m.ModelSHA256[:]...)
	b = appendU64(b, m.TokenStart)
	b = appendU64(b, m.TokenEnd)
	b = append(b, m.OutputSHA256[:]...)
	return append(b, m.Prev[:]...), nil
}

func (m *CommitRequest) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	m.Kind, m.JobID = CommitKind(d.u8()), d.string()
	d.hash(&m.ModelSHA256)
	m.TokenStart, m.TokenEnd = d.u64(), d.u64()
	d.hash(&m.OutputSHA256)
	d.hash(&m.Prev)
	return d.done("CommitRequest")
}

// Commitment is the digest a proof plugin commits to.
type Commitment struct {
	Digest [32]byte
	Scheme string // e.g. "sha256-v1"; recorded next to the signature
}

func (m *Commitment) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, m.Digest[:]...)
	return appendString(b, m.Scheme), nil
}

func (m *Commitment) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	d.hash(&m.Digest)
	m.Scheme = d.string()
	return d.done("Commitment")
}

package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/ollama/ollama/llama"

	"github.com/fabnode/fabnode/host/gguf"
)

// Options configure how a model is loaded and served.
type Options struct {
	GPULayers      int    // layers to offload; 0 keeps the model on the CPU
	MainGPU        int    // device index for single-GPU placement
	Threads        int    // 0: one per CPU
	BatchSize      int    // most tokens decoded in one step, summed over slots
	ContextSize    int    // tokens per slot (prompt + completion)
	Parallel       int    // slots: requests decoded together
	FlashAttention bool   // needs a backend that supports it
	KVCacheType    string // f16 (default), q8_0 or q4_0
	// MaxQueue is how many admitted requests may wait for a slot before
	// Admit refuses with ErrQueueFull; 0: 64, negative: none (a request is
	// admitted only when a slot is free).
	MaxQueue int
	NoMmap   bool
}

func (o *Options) fill() error {
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 512
	}
	if o.ContextSize <= 0 {
		o.ContextSize = 2048
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	switch {
	case o.MaxQueue == 0:
		o.MaxQueue = 64
	case o.MaxQueue < 0:
		o.MaxQueue = 0
	}
	switch strings.ToLower(o.KVCacheType) {
	case "", "f16", "q8_0", "q4_0":
	default:
		return fmt.Errorf("kv_cache_type %q: want f16, q8_0 or q4_0", o.KVCacheType)
	}
	if o.KVCacheType != "" && !strings.EqualFold(o.KVCacheType, "f16") && !o.FlashAttention {
		// llama.cpp cannot run a quantized V cache without flash attention.
		return fmt.Errorf("kv_cache_type %q needs flash_attention = true", o.KVCacheType)
	}
	if o.GPULayers < 0 {
		return fmt.Errorf("gpu_layers %d: must be >= 0", o.GPULayers)
	}
	return nil
}

// Info describes a loaded model.
type Info struct {
	Path          string
	SHA256        string // of the file, when the caller knows it
	Architecture  string
	Name          string
	Parameters    uint64
	Quantization  string
	ContextLength int // the model's trained context
	FileBytes     int64
	ChatTemplate  string
	Devices       []Device // where the weights live
}

// Model is a loaded model with its own llama context and scheduler.
type Model struct {
	info  Info
	opts  Options
	log   hclog.Logger
	model *llama.Model
	lctx  *llama.Context
	cctx  *llamaContext // lctx's C side: threadpool and free
	batch *llama.Batch
	vocab vocabInfo
	// nVocab is llama.cpp's vocabulary size, the length of each logits
	// row: read once, not by a cgo call per biased token.
	nVocab int

	// Admission: at most Parallel + MaxQueue requests hold a Ticket, from
	// Admit until their generation ends. Jobs are submitted under admitMu
	// after checking closed, so none can slip in after shutdown drained
	// the queue.
	admitMu  sync.Mutex
	admitted int
	closed   bool

	submit  chan *job
	control chan func() // run on the scheduler goroutine while idle
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once

	queued atomic.Int64 // admitted, waiting for a slot
	busy   atomic.Int64 // slots serving a request
}

// Load reads the GGUF at path and starts its scheduler.
func Load(path string, opts Options, log hclog.Logger) (*Model, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	meta, err := gguf.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := checkComplete(path, meta); err != nil {
		return nil, err
	}
	info := describe(path, meta)

	devices := Devices()
	gpus := GPUs()
	if opts.GPULayers > 0 {
		if len(gpus) == 0 {
			var names []string
			for _, d := range devices {
				names = append(names, d.Backend+":"+d.Name)
			}
			return nil, fmt.Errorf("gpu_layers = %d but no GPU backend loaded (devices: %s); build one with `make cuda` "+
				"and install it next to the binary (../lib/ollama) or in OLLAMA_LIBRARY_PATH, or set gpu_layers = 0",
				opts.GPULayers, strings.Join(names, ", "))
		}
		if opts.MainGPU < 0 || opts.MainGPU >= len(gpus) {
			return nil, fmt.Errorf("main_gpu = %d but only %d GPU(s) found", opts.MainGPU, len(gpus))
		}
		info.Devices = gpus
	} else {
		for _, d := range devices {
			if !d.GPU {
				info.Devices = append(info.Devices, d)
			}
		}
	}

	lm, err := llama.LoadModelFromFile(path, llama.ModelParams{
		NumGpuLayers: opts.GPULayers,
		MainGpu:      opts.MainGPU,
		UseMmap:      !opts.NoMmap,
		Progress:     func(float32) {}, // without one, llama.cpp prints progress dots to stderr
	})
	if err != nil {
		return nil, fmt.Errorf("llama.cpp could not load %s: %w", path, err)
	}
	cp := llama.NewContextParams(opts.ContextSize*opts.Parallel, opts.BatchSize, opts.Parallel, opts.Threads, opts.FlashAttention, opts.KVCacheType)
	lctx, err := llama.NewContextWithModel(lm, cp)
	if err != nil {
		llama.FreeModel(lm)
		return nil, fmt.Errorf("creating a context of %d tokens (%d slots x %d): %w", opts.ContextSize*opts.Parallel, opts.Parallel, opts.ContextSize, err)
	}
	cctx, err := adoptContext(lctx, opts.ContextSize*opts.Parallel)
	if err != nil {
		llama.FreeModel(lm) // the context leaks: without its pointer it cannot be freed
		return nil, err
	}
	if err := cctx.attachThreadpool(opts.Threads); err != nil {
		cctx.free()
		llama.FreeModel(lm)
		return nil, err
	}
	batch, err := llama.NewBatch(opts.BatchSize, opts.Parallel, 0)
	if err != nil {
		cctx.free()
		llama.FreeModel(lm)
		return nil, err
	}
	m := &Model{
		info: info, opts: opts, log: log, // named by the caller: the file's own name is untrusted text
		model: lm, lctx: lctx, batch: batch, cctx: cctx, vocab: readVocab(meta), nVocab: lm.NumVocab(),
		submit:  make(chan *job, opts.Parallel+opts.MaxQueue),
		control: make(chan func()),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	var where []string
	for _, d := range info.Devices {
		where = append(where, fmt.Sprintf("%s/%s (%s)", d.Backend, d.Name, d.Description))
	}
	m.log.Info("model loaded", "path", path, "arch", info.Architecture, "params", info.Parameters,
		"quant", info.Quantization, "slots", opts.Parallel, "ctx_per_slot", opts.ContextSize,
		"gpu_layers", opts.GPULayers, "devices", strings.Join(where, "; "), "threads", opts.Threads)
	go m.run()
	return m, nil
}

// checkComplete refuses a file shorter than its own tensor table says,
// the signature of an interrupted download.
func checkComplete(path string, g *gguf.File) error {
	size, err := g.TensorDataSize()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fi, err := statSize(path)
	if err != nil {
		return err
	}
	if need := g.DataOffset + size; uint64(fi) < need {
		return fmt.Errorf("%s is truncated: %d bytes, its header needs %d", path, fi, need)
	}
	return nil
}

func describe(path string, g *gguf.File) Info {
	ctxLen, _ := g.ArchUint("context_length")
	size, _ := statSize(path)
	return Info{
		Path:          path,
		Architecture:  g.String("general.architecture"),
		Name:          g.String("general.name"),
		Parameters:    g.ParamCount(),
		Quantization:  g.Quantization(),
		ContextLength: int(ctxLen),
		FileBytes:     size,
		ChatTemplate:  g.String("tokenizer.chat_template"),
	}
}

// Info describes the model.
func (m *Model) Info() Info { return m.info }

// Options are the options the model was loaded with, defaults filled in.
func (m *Model) Options() Options { return m.opts }

// Stats is a snapshot of the scheduler.
type Stats struct {
	Queued int // requests waiting for a slot
	Busy   int // slots serving a request
	Slots  int
}

// Stats returns the scheduler's current load.
func (m *Model) Stats() Stats {
	return Stats{Queued: int(m.queued.Load()), Busy: int(m.busy.Load()), Slots: m.opts.Parallel}
}

// Tokenize returns the token ids of text, with BOS when the model wants one
// and the control tokens it spells recognised. Requests from clients go
// through TokenizePrompt instead, which bounds the work.
func (m *Model) Tokenize(text string) ([]int, error) {
	return m.model.Tokenize(text, m.model.AddBOSToken(), true)
}

// Check reports the first parameter of r that this model cannot serve,
// as a *ParamError: out-of-range sampling, and sizes that would make
// llama.cpp allocate beyond the slot's context.
func (m *Model) Check(r Request) error {
	if err := r.Sampling.Validate(); err != nil {
		return err
	}
	n := m.opts.ContextSize
	switch {
	case r.MaxTokens < 0:
		return &ParamError{"max_tokens", fmt.Sprintf("must be >= 0, got %d", r.MaxTokens)}
	case r.MaxTokens > n:
		return &ParamError{"max_tokens", fmt.Sprintf("must be at most %d, the context this node gives a request, got %d", n, r.MaxTokens)}
	case r.Sampling.RepeatLastN > n:
		// llama.cpp keeps a ring of this many tokens per request.
		return &ParamError{"repeat_last_n", fmt.Sprintf("must be at most %d, the context this node gives a request, got %d", n, r.Sampling.RepeatLastN)}
	case len(r.Stop) > MaxStops:
		return &ParamError{"stop", fmt.Sprintf("at most %d sequences, got %d", MaxStops, len(r.Stop))}
	}
	if b := r.Sampling.LogitBias; len(b) > 0 && b[len(b)-1].Token >= m.nVocab {
		// Sorted, so the last is the largest; the biases are written
		// into llama.cpp's logits array, which has NumVocab entries.
		return &ParamError{"logit_bias", fmt.Sprintf("token %d is not in this model's vocabulary of %d tokens", b[len(b)-1].Token, m.nVocab)}
	}
	for _, s := range r.Stop {
		if len(s) > MaxStopBytes {
			return &ParamError{"stop", fmt.Sprintf("each sequence at most %d bytes, got %d", MaxStopBytes, len(s))}
		}
	}
	return nil
}

// Ticket is an admitted request's place: a slot or a queue place. Hold
// one while preparing the prompt, so that preparation is bounded by the
// same limits as generation, then Generate with it or Release it.
type Ticket struct {
	m    *Model
	once sync.Once
}

// Admit reserves a place for one request. It fails with ErrQueueFull when
// Parallel + MaxQueue requests already hold one, and ErrModelClosed after
// Close.
func (m *Model) Admit() (*Ticket, error) {
	m.admitMu.Lock()
	defer m.admitMu.Unlock()
	switch {
	case m.closed:
		return nil, ErrModelClosed
	case m.admitted >= m.opts.Parallel+m.opts.MaxQueue:
		return nil, ErrQueueFull
	}
	m.admitted++
	m.queued.Add(1)
	return &Ticket{m: m}, nil
}

// Release gives the place back without generating. Safe to call more
// than once, and after Generate (which then owns the place).
func (t *Ticket) Release() { t.once.Do(t.m.unadmit) }

func (m *Model) unadmit() {
	m.queued.Add(-1)
	m.leave()
}

// leave ends an admitted request's hold on its place.
func (m *Model) leave() {
	m.admitMu.Lock()
	m.admitted--
	m.admitMu.Unlock()
}

// Generate queues req on t's place and returns its stream of events. The
// stream ends with an event whose Done is set; cancelling ctx ends it
// early with FinishCancelled and frees the slot before the next decode
// step. req.Tokens, when set, is the prompt already tokenized.
func (t *Ticket) Generate(ctx context.Context, req Request) (*Stream, error) {
	m := t.m
	consumed := false
	t.once.Do(func() { consumed = true })
	if !consumed {
		return nil, errors.New("engine: ticket already used or released")
	}
	fail := func(err error) (*Stream, error) { m.unadmit(); return nil, err }
	if err := m.Check(req); err != nil {
		return fail(err)
	}
	tokens := req.Tokens
	if tokens == nil {
		var err error
		if tokens, err = m.Tokenize(req.Prompt); err != nil {
			return fail(fmt.Errorf("tokenizing the prompt: %w", err))
		}
	}
	if len(tokens) == 0 {
		return fail(&ParamError{"prompt", "is empty"})
	}
	if len(tokens) >= m.opts.ContextSize {
		return fail(fmt.Errorf("%w: %d tokens, the context holds %d per request", ErrPromptTooLong, len(tokens), m.opts.ContextSize))
	}
	j := &job{ctx: ctx, req: req, tokens: tokens, stream: newStream(), enqueued: time.Now()}
	m.admitMu.Lock()
	defer m.admitMu.Unlock()
	if m.closed {
		m.admitted--
		m.queued.Add(-1)
		return nil, ErrModelClosed
	}
	m.submit <- j // never blocks: its capacity is the admission limit
	return j.stream, nil
}

// Generate admits req and queues it: Admit, then Ticket.Generate.
func (m *Model) Generate(ctx context.Context, req Request) (*Stream, error) {
	t, err := m.Admit()
	if err != nil {
		return nil, err
	}
	return t.Generate(ctx, req)
}

// Close stops the scheduler, ends every request with ErrModelClosed and
// frees the model. It waits for the scheduler to stop.
func (m *Model) Close() error {
	m.once.Do(func() {
		m.admitMu.Lock()
		m.closed = true
		m.admitMu.Unlock()
		close(m.quit)
		<-m.done
		m.batch.Free()
		m.cctx.free()
		llama.FreeModel(m.model)
	})
	return nil
}

// Idle reports whether no request is queued or running.
func (m *Model) Idle() bool { return m.queued.Load() == 0 && m.busy.Load() == 0 }

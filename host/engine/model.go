package engine

import (
	"context"
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
	MaxQueue       int    // requests waiting for a slot before ErrQueueFull; 0: 64
	NoMmap         bool
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
	if o.MaxQueue <= 0 {
		o.MaxQueue = 64
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

	submit  chan *job
	control chan func() // run on the scheduler goroutine while idle
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once

	queued atomic.Int64 // waiting for a slot
	busy   atomic.Int64 // slots serving a request
	active sync.WaitGroup
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
		info: info, opts: opts, log: log.Named(info.Name),
		model: lm, lctx: lctx, batch: batch, cctx: cctx,
		submit:  make(chan *job, opts.MaxQueue),
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

// Tokenize returns the token ids of text, with BOS when the model wants one.
func (m *Model) Tokenize(text string) ([]int, error) {
	return m.model.Tokenize(text, m.model.AddBOSToken(), true)
}

// Generate queues req and returns its stream of events. The stream ends
// with an event whose Done is set; cancelling ctx ends it early with
// FinishCancelled and frees the slot before the next decode step.
func (m *Model) Generate(ctx context.Context, req Request) (*Stream, error) {
	if err := req.Sampling.Validate(); err != nil {
		return nil, err
	}
	if req.MaxTokens < 0 {
		return nil, &ParamError{"max_tokens", fmt.Sprintf("must be >= 0, got %d", req.MaxTokens)}
	}
	tokens := req.Tokens
	if tokens == nil {
		var err error
		if tokens, err = m.Tokenize(req.Prompt); err != nil {
			return nil, fmt.Errorf("tokenizing the prompt: %w", err)
		}
	}
	if len(tokens) == 0 {
		return nil, &ParamError{"prompt", "is empty"}
	}
	if len(tokens) >= m.opts.ContextSize {
		return nil, fmt.Errorf("%w: %d tokens, the context holds %d per request", ErrPromptTooLong, len(tokens), m.opts.ContextSize)
	}
	j := &job{ctx: ctx, req: req, tokens: tokens, stream: newStream(), enqueued: time.Now()}
	select {
	case <-m.quit:
		return nil, ErrModelClosed
	default:
	}
	m.active.Add(1)
	select {
	case m.submit <- j:
		m.queued.Add(1)
		return j.stream, nil
	default:
		m.active.Done()
		return nil, ErrQueueFull
	}
}

// Close stops the scheduler, ends every request with ErrModelClosed and
// frees the model. It waits for the scheduler to stop.
func (m *Model) Close() error {
	m.once.Do(func() {
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

package engine

/*
#include <stdbool.h>
#include <stdint.h>
#ifdef __GLIBC__
#include <malloc.h>
static void fab_trim(void) { malloc_trim(0); }
#else
static void fab_trim(void) {}
#endif

// Declared rather than included, as in backend.go. The struct is
// ggml_threadpool_params from the pinned module's ggml.h
// (GGML_MAX_N_THREADS = 512); fab_threadpool_new checks that the layout
// agrees before using it.
struct fab_threadpool_params {
	bool     cpumask[512];
	int      n_threads;
	int      prio;
	uint32_t poll;
	bool     strict_cpu;
	bool     paused;
};
struct ggml_threadpool;
struct llama_context;
extern struct fab_threadpool_params ggml_threadpool_params_default(int n_threads);
extern struct ggml_threadpool * ggml_threadpool_new(struct fab_threadpool_params * params);
extern void ggml_threadpool_free(struct ggml_threadpool * tp);
extern void llama_attach_threadpool(struct llama_context * ctx, struct ggml_threadpool * tp, struct ggml_threadpool * tp_batch);
extern void llama_detach_threadpool(struct llama_context * ctx);
extern uint32_t llama_n_ctx(const struct llama_context * ctx);
extern float * llama_get_logits_ith(struct llama_context * ctx, int32_t i);
extern void llama_free(struct llama_context * ctx);

static struct ggml_threadpool * fab_threadpool_new(int n) {
	struct fab_threadpool_params p = ggml_threadpool_params_default(n);
	if (p.n_threads != n || p.poll != 50) return 0; // not the layout we declared
	return ggml_threadpool_new(&p);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/ollama/ollama/llama"
)

// llamaContext holds what the ollama binding does not expose of a
// llama_context: its C pointer, to give it a persistent CPU threadpool
// and to free it (the binding has no Free, so an unloaded model would
// leak its KV cache).
type llamaContext struct {
	c    *C.struct_llama_context
	pool *C.struct_ggml_threadpool
}

// adoptContext reads the C pointer out of the binding's Context (its first
// field at the pinned v0.7.1) and checks it against the context size it
// was created with before trusting it.
func adoptContext(lctx *llama.Context, nCtx int) (*llamaContext, error) {
	c := *(**C.struct_llama_context)(unsafe.Pointer(lctx))
	if c == nil || int(C.llama_n_ctx(c)) != nCtx {
		return nil, errors.New("the llama binding's Context layout is not the one this engine was written for")
	}
	return &llamaContext{c: c}, nil
}

// attachThreadpool gives the context compute threads that live as long
// as it does. Without one, ggml creates and joins its worker threads in
// every decode step; each new thread is placed by the OS wherever a core
// looks free at that instant, and when a Go thread is briefly running
// there (an API handler, a plugin call) the new thread queues behind it
// while the others spin at the first barrier. Measured on 2 vCPUs, that
// cost single-stream decode 15-20% whenever plugins ran per token
// (BENCHMARKS.md). Persistent workers keep their cores, and poll (ggml's
// default level, 50) for the next step before sleeping.
func (c *llamaContext) attachThreadpool(threads int) error {
	tp := C.fab_threadpool_new(C.int(threads))
	if tp == nil {
		return fmt.Errorf("ggml could not create a threadpool of %d threads", threads)
	}
	C.llama_attach_threadpool(c.c, tp, tp)
	c.pool = tp
	return nil
}

// free releases the context, then its threadpool, and hands the freed
// memory back to the OS: glibc keeps it in per-thread arenas otherwise,
// and cgo calls run on whichever thread Go picks, so an unloaded model's
// KV cache would stay resident.
func (c *llamaContext) free() {
	if c.pool != nil {
		C.llama_detach_threadpool(c.c)
	}
	C.llama_free(c.c)
	if c.pool != nil {
		C.ggml_threadpool_free(c.pool)
	}
	c.c, c.pool = nil, nil
	C.fab_trim()
}

// biasLogits adds each bias to its token's logit for the batch entry idx,
// in place, before the binding's sampler reads them: its sampler has no
// logit-bias stage at the pinned v0.7.1, and common_sampler_sample reads
// the logits from the context afresh on each call. nVocab bounds the
// tokens; Model.Check refused any beyond it.
func (c *llamaContext) biasLogits(idx int, bias []TokenBias, nVocab int) {
	p := C.llama_get_logits_ith(c.c, C.int32_t(idx))
	if p == nil {
		return // llama.cpp found no logits for idx, and logs why; the sampler will fail on it too
	}
	logits := unsafe.Slice((*float32)(unsafe.Pointer(p)), nVocab)
	for _, b := range bias {
		logits[b.Token] += b.Bias
	}
}

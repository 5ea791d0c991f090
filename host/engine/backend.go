package engine

/*
#include <stddef.h>

// Declared here rather than included: ggml's headers live inside the
// ollama module, which cgo cannot name from another module. The symbols are
// linked in by github.com/ollama/ollama/ml/backend/ggml/ggml/src.
typedef struct ggml_backend_device * fab_dev_t;
typedef struct ggml_backend_reg * fab_reg_t;
extern size_t ggml_backend_dev_count(void);
extern fab_dev_t ggml_backend_dev_get(size_t index);
extern const char * ggml_backend_dev_name(fab_dev_t device);
extern const char * ggml_backend_dev_description(fab_dev_t device);
extern int ggml_backend_dev_type(fab_dev_t device);
extern void ggml_backend_dev_memory(fab_dev_t device, size_t * free, size_t * total);
extern fab_reg_t ggml_backend_dev_backend_reg(fab_dev_t device);
extern const char * ggml_backend_reg_name(fab_reg_t reg);
*/
import "C"

import (
	"log/slog"
	"os"
	"sync"

	"github.com/ollama/ollama/llama"
)

// Device is a compute device a ggml backend exposes.
type Device struct {
	Backend     string // "CPU", "CUDA", ...
	Name        string
	Description string
	GPU         bool
	FreeBytes   uint64
	TotalBytes  uint64
}

// ggml device types (enum ggml_backend_dev_type).
const (
	devTypeCPU   = 0
	devTypeGPU   = 1
	devTypeAccel = 2
)

var initBackends = sync.OnceFunc(func() {
	// llama.cpp and ggml log through slog's default logger, at INFO and
	// below on every load. The node logs what matters itself (through
	// hclog), so their chatter is limited to errors unless asked for.
	if os.Getenv("FABNODE_LLAMA_LOG") == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	}
	llama.BackendInit()
})

// Devices initialises the ggml backends (once) and lists their devices.
// GPU backends are shared libraries ggml loads at run time from
// <executable dir>/../lib/ollama or OLLAMA_LIBRARY_PATH; see `make cuda`.
func Devices() []Device {
	initBackends()
	var out []Device
	for i := C.size_t(0); i < C.ggml_backend_dev_count(); i++ {
		d := C.ggml_backend_dev_get(i)
		var free, total C.size_t
		C.ggml_backend_dev_memory(d, &free, &total)
		t := C.ggml_backend_dev_type(d)
		out = append(out, Device{
			Backend:     C.GoString(C.ggml_backend_reg_name(C.ggml_backend_dev_backend_reg(d))),
			Name:        C.GoString(C.ggml_backend_dev_name(d)),
			Description: C.GoString(C.ggml_backend_dev_description(d)),
			GPU:         t == devTypeGPU || t == devTypeAccel,
			FreeBytes:   uint64(free),
			TotalBytes:  uint64(total),
		})
	}
	return out
}

// GPUs is Devices filtered to GPUs and accelerators.
func GPUs() []Device {
	var out []Device
	for _, d := range Devices() {
		if d.GPU {
			out = append(out, d)
		}
	}
	return out
}

// GoProcs is how many OS threads Go code should run on beside threads
// llama.cpp compute threads on cpus cores: the cores they leave free, at
// least one. Those threads spin at every barrier of a decode step, so a
// Go runtime allowed onto their cores (its idle Ps spin looking for work at
// every wakeup) stalls whole steps; measured on 2 vCPUs, limiting Go to the
// spare capacity raised single-stream API decode by 15-30% and 8-stream
// throughput by 5-10% (BENCHMARKS.md). With GPU offload the compute
// threads mostly wait on the device, so Go keeps every core. threads <= 0
// means one per core, as in Options.
func GoProcs(threads int, gpu bool, cpus int) int {
	if gpu {
		return cpus
	}
	if threads <= 0 {
		threads = cpus
	}
	return max(1, cpus-threads)
}

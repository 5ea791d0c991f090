package node

import (
	"testing"

	"github.com/fabnode/fabnode/host/config"
)

func TestGoProcsLeavesComputeCoresToLlama(t *testing.T) {
	cfg := config.Default()
	cases := []struct {
		threads, gpuLayers, cpus, want int
	}{
		{0, 0, 2, 1},   // all cores compute: Go gets one
		{12, 0, 16, 4}, // four spare cores
		{16, 0, 16, 1},
		{0, 99, 16, 16}, // GPU offload: Go keeps every core
	}
	for _, c := range cases {
		cfg.Engine.Threads, cfg.Engine.GPULayers = c.threads, c.gpuLayers
		if got := GoProcs(cfg, c.cpus); got != c.want {
			t.Errorf("threads=%d gpu=%d cpus=%d: %d, want %d", c.threads, c.gpuLayers, c.cpus, got, c.want)
		}
	}
	cfg.Engine.GPULayers = 0
	cfg.Models["big"] = config.ModelConfig{GPULayers: 20}
	if got := GoProcs(cfg, 8); got != 8 {
		t.Errorf("a model offloaded to the GPU: %d, want 8", got)
	}
}

package plugin_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// TestFormatStreamHoldIsBounded: a format plugin that holds everything it
// is streamed would make the host keep and pass back the whole stream with
// every chunk, quadratic copying. Past 64 KiB held the stream fails open:
// everything arrives, unformatted, and the verdict says why.
func TestFormatStreamHoldIsBounded(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	mustLoad(t, reg, manifest(t, "format", "format", plugintest.Build(t, "testdata/guests/flakyformat"), nil))
	st := reg.Format().NewStream(abi.FormatPlain)
	defer st.Close()
	chunk := bytes.Repeat([]byte("abcdefgh"), 128) // 1 KiB
	var got []byte
	failedAt := -1
	for i := range 100 {
		out, err := st.Write(ctx, chunk)
		if err != nil && failedAt < 0 {
			failedAt = i
			if !strings.Contains(err.Error(), "more than 65536") {
				t.Errorf("the failure does not name the bound: %v", err)
			}
		}
		got = append(got, out...)
	}
	last, v, err := st.Finish(ctx, nil)
	got = append(got, last...)
	if failedAt != 64 {
		t.Errorf("the stream failed at chunk %d, want 64 (the first over 64 KiB held)", failedAt)
	}
	if !bytes.Equal(got, bytes.Repeat(chunk, 100)) || v.Valid || !strings.Contains(v.Problem, "failed during the stream") || err != nil {
		t.Fatalf("after the bound: %d bytes (want %d, unformatted) %+v %v", len(got), 100*len(chunk), v, err)
	}
}

// TestOutputLimitDefaultIsOneNumber: a manifest without max_output_bytes
// (as `fabnode plugin test` loads one) gets abi.DefaultMaxOutputBytes,
// the number ABI.md documents and the node's configuration uses too (see
// host/node).
func TestOutputLimitDefaultIsOneNumber(t *testing.T) {
	if got := plugin.DefaultLimits().MaxOutputBytes; got != abi.DefaultMaxOutputBytes {
		t.Errorf("default max_output_bytes %d, want abi.DefaultMaxOutputBytes %d", got, abi.DefaultMaxOutputBytes)
	}
	if got := plugin.DefaultLimits().MaxLogBytes; got != 8<<10 {
		t.Errorf("default max_log_bytes %d, want 8 KiB (per stream, ABI.md)", got)
	}
}

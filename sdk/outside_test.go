package sdk_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// A third party's plugin lives in its own module, outside this repository,
// and imports nothing from fabnode but the SDK. This writes such a module
// to a temporary directory, builds it for wasip1 and loads it into the real
// host runtime.
func TestPluginFromAnotherModuleBuildsAndLoads(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	repo := filepath.Dir(filepath.Dir(here))
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/flatprice\n\ngo 1.26\n\nrequire github.com/fabnode/fabnode v0.0.0\n\nreplace github.com/fabnode/fabnode => " + repo + "\n",
		"main.go": `package main

import "github.com/fabnode/fabnode/sdk"

var perToken int64

func init() {
	sdk.Register(sdk.Plugin{
		Kind: sdk.KindPricing,
		Name: "flatprice/1",
		Init: func(c sdk.Config) (err error) {
			perToken, err = c.Int("nanos_per_token", 7)
			return err
		},
		Quote: func(req sdk.QuoteRequest) (sdk.Quote, error) {
			return sdk.Quote{InputNanosPerToken: perToken, OutputNanosPerToken: 2 * perToken, Currency: "EUR",
				ValidUntilUnixMilli: req.UnixMillis + 1000}, nil
		},
	})
}

func main() {}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "flatprice.wasm")
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-buildmode=c-shared", "-o", out, "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, b)
		}
	}
	reg := plugintest.LoadManifest(t, plugintest.Manifest(t, "flatprice", "pricing", out, map[string]string{"nanos_per_token": "9"}))
	q, err := reg.Pricing().Quote(context.Background(), abi.QuoteRequest{Model: "m", PromptTokens: 3, UnixMillis: 1})
	if err != nil {
		t.Fatal(err)
	}
	if q.InputNanosPerToken != 9 || q.OutputNanosPerToken != 18 || q.Currency != "EUR" {
		t.Fatalf("quote from the outside plugin: %+v", q)
	}
}

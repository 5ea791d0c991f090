package plugin_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWatModulesAreRegenerable checks that the committed .wat/.wasm pairs are
// exactly what testdata/wat/gen.sh produces. Skipped without wat2wasm
// (Debian package wabt); the committed .wasm files need no tools.
func TestWatModulesAreRegenerable(t *testing.T) {
	if _, err := exec.LookPath("wat2wasm"); err != nil {
		t.Skip("wat2wasm not installed")
	}
	dir := t.TempDir()
	script, err := os.ReadFile("testdata/wat/gen.sh")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "gen.sh"), script, 0o755)
	cmd := exec.Command("sh", "./gen.sh")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen.sh: %v\n%s", err, out)
	}
	generated, _ := filepath.Glob(filepath.Join(dir, "*.wa[st]*"))
	committed, _ := filepath.Glob("testdata/wat/*.wa[st]*")
	if len(generated) != len(committed) {
		t.Errorf("gen.sh makes %d files, %d are committed", len(generated), len(committed))
	}
	for _, g := range generated {
		want, _ := os.ReadFile(g)
		got, err := os.ReadFile(filepath.Join("testdata/wat", filepath.Base(g)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./host/plugin (%v)", filepath.Base(g), err)
		}
	}
}

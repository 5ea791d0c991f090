package models

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/modelgen"
)

func genModel(t *testing.T, preset string) (path, sum string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), preset+".gguf")
	sum, err := modelgen.Generate(modelgen.Presets[preset], path)
	if err != nil {
		t.Fatal(err)
	}
	return path, sum
}

var small = engine.Options{Parallel: 1, ContextSize: 128}

func TestLoadsOnDemandAndUnloadsForBudget(t *testing.T) {
	a, _ := genModel(t, "tiny")
	b, _ := genModel(t, "tiny")
	fi, _ := os.Stat(a)
	// Room for one model with its KV cache, not two.
	budget := fi.Size() * 3 / 2
	m, err := New([]Spec{{Name: "a", Path: a, Engine: small}, {Name: "b", Path: b, Engine: small}}, "", budget, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.List()[0].Loaded {
		t.Fatal("model loaded before first use")
	}
	la, release, err := m.Get(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if la.Name != "a" || la.Chat.Name != "chatml" {
		t.Fatalf("default model %q with template %q", la.Name, la.Chat.Name)
	}
	// a is in use: b cannot evict it.
	if _, _, err := m.Get(context.Background(), "b"); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("loading b while a is busy: %v", err)
	}
	release()
	if _, rel, err := m.Get(context.Background(), "b"); err != nil {
		t.Fatalf("loading b after a is idle: %v", err)
	} else {
		rel()
	}
	st := m.List()
	if st[0].Loaded || !st[1].Loaded {
		t.Fatalf("want a unloaded and b loaded: %+v", st)
	}
}

func TestRefusesCorruptFileAgainstPinnedHash(t *testing.T) {
	path, sum := genModel(t, "tiny")
	m, err := New([]Spec{{Name: "x", Path: path, SHA256: sum, Engine: small}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// Flip one byte deep in the tensor data: the header still parses.
	data, _ := os.ReadFile(path)
	data[len(data)-100] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Get(context.Background(), "x")
	var ce *fetch.ChecksumError
	if !errors.As(err, &ce) {
		t.Fatalf("corrupt file: want a checksum error, got %v", err)
	}
	data[len(data)-100] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// The refusal is remembered until the file's size or time changes; a
	// file system with coarse timestamps could give the restored file the
	// corrupt one's time, so move it on.
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if _, rel, err := m.Get(context.Background(), "x"); err != nil {
		t.Fatalf("restored file refused: %v", err)
	} else {
		rel()
	}
}

func TestDeclarationErrors(t *testing.T) {
	cases := []struct {
		specs []Spec
		def   string
		want  string
	}{
		{[]Spec{{Name: "a", Path: "x"}, {Name: "a", Path: "y"}}, "", "declared twice"},
		{[]Spec{{Name: "a"}}, "", "path is required"},
		{[]Spec{{Name: "a", Path: "x", URL: "http://h/x"}}, "", "without sha256"},
		{[]Spec{{Name: "a", Path: "x", ChatTemplate: "nope"}}, "", "unknown chat template"},
		{[]Spec{{Name: "a", Path: "x"}}, "b", "not declared"},
	}
	for _, c := range cases {
		if _, err := New(c.specs, c.def, 0, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.specs, err, c.want)
		}
	}
	m, _ := New([]Spec{{Name: "a", Path: filepath.Join(t.TempDir(), "gone.gguf"), URL: "http://h/x", SHA256: strings.Repeat("0", 64)}}, "", 0, nil)
	if _, _, err := m.Get(context.Background(), "a"); err == nil || !strings.Contains(err.Error(), "model pull") {
		t.Fatalf("missing downloadable file: %v", err)
	}
	if _, _, err := m.Get(context.Background(), "zzz"); !errors.Is(err, ErrUnknownModel) {
		t.Fatalf("unknown model: %v", err)
	}
}

func TestFailedLoadIsRememberedUntilTheFileChanges(t *testing.T) {
	path, _ := genModel(t, "tiny")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[4] = 9 // GGUF version 9: the header is refused
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New([]Spec{{Name: "x", Path: path, Engine: small}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, _, first := m.Get(context.Background(), "x")
	if first == nil || !strings.Contains(first.Error(), "unsupported GGUF version 9") {
		t.Fatalf("corrupt file: want the reader's error, got %v", first)
	}

	// Put the good model back with the same size and modification time.
	// A manager that read the file again would load it now; one that
	// remembers the failure answers with the same error without reading.
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Get(context.Background(), "x"); err == nil || err.Error() != first.Error() {
		t.Fatalf("unchanged file: want the remembered error %q, got %v", first, err)
	}

	// A changed file is tried again.
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	_, rel, err := m.Get(context.Background(), "x")
	if err != nil {
		t.Fatalf("replaced file: %v", err)
	}
	rel()
}

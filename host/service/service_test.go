package service

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func recorder(log *[]string, name string, startErr error) *Func {
	return &Func{ServiceName: name,
		OnStart: func(context.Context) error { *log = append(*log, "start "+name); return startErr },
		OnStop:  func(context.Context) error { *log = append(*log, "stop "+name); return nil }}
}

func TestGroupStopsInReverseOrder(t *testing.T) {
	var log []string
	var g Group
	if err := g.Start(context.Background(), recorder(&log, "models", nil), recorder(&log, "plugins", nil), recorder(&log, "api", nil)); err != nil {
		t.Fatal(err)
	}
	if err := g.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "start models,start plugins,start api,stop api,stop plugins,stop models"
	if got := strings.Join(log, ","); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	if err := g.Stop(context.Background()); err != nil || len(log) != 6 {
		t.Fatalf("a second Stop stopped again: %v %v", err, log)
	}
}

func TestFailedStartStopsWhatStarted(t *testing.T) {
	var log []string
	var g Group
	err := g.Start(context.Background(), recorder(&log, "models", nil), recorder(&log, "api", errors.New("port taken")), recorder(&log, "never", nil))
	if err == nil || !strings.Contains(err.Error(), "starting api: port taken") {
		t.Fatalf("error %v", err)
	}
	if got := strings.Join(log, ","); got != "start models,start api,stop models" {
		t.Fatalf("got %s", got)
	}
}

func TestEveryRunsUntilStopped(t *testing.T) {
	var n atomic.Int64
	l := Every("tick", time.Millisecond, func(context.Context) { n.Add(1) })
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for n.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	if err := l.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := n.Load()
	time.Sleep(5 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("ran after Stop returned: %d then %d", after, n.Load())
	}
}

func TestStopGivesUpAtTheDeadline(t *testing.T) {
	release := make(chan struct{})
	l := &Loop{ServiceName: "stuck", Run: func(context.Context) { <-release }}
	l.Start(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Stop(ctx); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop of a stuck loop: %v", err)
	}
	close(release)
}

package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Service is one part of the node with a lifecycle. Start returns once
// the service runs (its background work goes on after); Stop ends it,
// waiting at most until ctx ends.
type Service interface {
	Name() string
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Group runs services in order.
type Group struct {
	mu      sync.Mutex
	started []Service
}

// Start starts svcs in order. If one fails, those already started are
// stopped in reverse order and the error names the failing service.
func (g *Group) Start(ctx context.Context, svcs ...Service) error {
	for _, s := range svcs {
		if err := s.Start(ctx); err != nil {
			stopErr := g.Stop(context.WithoutCancel(ctx))
			return errors.Join(fmt.Errorf("starting %s: %w", s.Name(), err), stopErr)
		}
		g.mu.Lock()
		g.started = append(g.started, s)
		g.mu.Unlock()
	}
	return nil
}

// Stop stops every started service, the last started first, each within
// what is left of ctx, and returns their errors joined. Safe to call more
// than once.
func (g *Group) Stop(ctx context.Context) error {
	g.mu.Lock()
	started := g.started
	g.started = nil
	g.mu.Unlock()
	var errs []error
	for i := len(started) - 1; i >= 0; i-- {
		if err := started[i].Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping %s: %w", started[i].Name(), err))
		}
	}
	return errors.Join(errs...)
}

// Func is a service made of two functions; either may be nil.
type Func struct {
	ServiceName string
	OnStart     func(ctx context.Context) error
	OnStop      func(ctx context.Context) error
}

func (f *Func) Name() string { return f.ServiceName }

func (f *Func) Start(ctx context.Context) error {
	if f.OnStart == nil {
		return nil
	}
	return f.OnStart(ctx)
}

func (f *Func) Stop(ctx context.Context) error {
	if f.OnStop == nil {
		return nil
	}
	return f.OnStop(ctx)
}

// Loop runs Run in a goroutine from Start until Stop cancels its
// context; Stop waits for Run to return.
type Loop struct {
	ServiceName string
	Run         func(ctx context.Context)

	cancel context.CancelFunc
	done   chan struct{}
}

func (l *Loop) Name() string { return l.ServiceName }

func (l *Loop) Start(ctx context.Context) error {
	ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		l.Run(ctx)
	}()
	return nil
}

func (l *Loop) Stop(ctx context.Context) error {
	if l.cancel == nil {
		return nil
	}
	l.cancel()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("still running: %w", ctx.Err())
	}
}

// Every is a Loop that calls fn once per period.
func Every(name string, period time.Duration, fn func(ctx context.Context)) *Loop {
	return &Loop{ServiceName: name, Run: func(ctx context.Context) {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}}
}

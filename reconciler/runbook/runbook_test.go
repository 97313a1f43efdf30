package runbook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// memJournal is a hand-written fake journal recording transitions in order.
type memJournal struct {
	mu     sync.Mutex
	events []string
	failOn string
}

func (j *memJournal) StepStarted(step string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if step == j.failOn {
		return errors.New("disk full")
	}
	j.events = append(j.events, "start "+step)
	return nil
}

func (j *memJournal) StepFinished(step string, err error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := "done " + step
	if err != nil {
		s = "fail " + step
	}
	j.events = append(j.events, s)
	return nil
}

func TestRunOrderAndDeferred(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name       string
		failAt     string
		panicAt    string
		journalErr string
		cancel     bool
		want       []string
		wantFailed string
	}{
		{name: "all succeed", want: []string{"start stop", "done stop", "start work", "done work", "start verify", "done verify", "start start", "done start"}},
		{name: "failure runs deferred", failAt: "work", wantFailed: "work",
			want: []string{"start stop", "done stop", "start work", "fail work", "start start", "done start"}},
		{name: "panic runs deferred", panicAt: "work", wantFailed: "work",
			want: []string{"start stop", "done stop", "start work", "fail work", "start start", "done start"}},
		{name: "journal failure stops before the step", journalErr: "work", wantFailed: "work",
			want: []string{"start stop", "done stop", "start start", "done start"}},
		{name: "cancelled still runs deferred", cancel: true, wantFailed: "work",
			want: []string{"start stop", "done stop", "start start", "done start"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := &memJournal{failOn: c.journalErr}
			rb := &Runbook{Operation: "test", Journal: j}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var observed []string
			rb.Observe = func(step string, _ time.Duration, err error) { observed = append(observed, step) }
			do := func(name string) func(context.Context) error {
				return func(context.Context) error {
					if name == c.panicAt {
						panic("kaboom")
					}
					if name == c.failAt {
						return boom
					}
					return nil
				}
			}
			steps := []Step{
				{Name: "stop", Do: func(ctx context.Context) error {
					rb.Defer(Step{Name: "start", Do: func(ctx context.Context) error {
						if ctx.Err() != nil {
							return fmt.Errorf("deferred step got a cancelled context: %w", ctx.Err())
						}
						return nil
					}})
					if c.cancel {
						cancel()
					}
					return nil
				}},
				{Name: "work", Do: do("work")},
				{Name: "verify", Do: do("verify")},
			}
			err := rb.Run(ctx, steps)
			if got := strings.Join(j.events, ","); got != strings.Join(c.want, ",") {
				t.Errorf("journal:\n got %s\nwant %s", got, strings.Join(c.want, ","))
			}
			if rb.FailedStep() != c.wantFailed {
				t.Errorf("FailedStep = %q, want %q", rb.FailedStep(), c.wantFailed)
			}
			if (err != nil) != (c.wantFailed != "") {
				t.Fatalf("err = %v, want failure %v", err, c.wantFailed != "")
			}
			if c.failAt != "" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the step's error", err)
			}
			if c.panicAt != "" && !strings.Contains(err.Error(), "kaboom") {
				t.Errorf("panic not reported: %v", err)
			}
			if c.journalErr != "" && !errors.Is(err, ErrJournal) {
				t.Errorf("journal failure not reported: %v", err)
			}
			if observed[len(observed)-1] != "start" {
				t.Errorf("deferred step not observed last: %v", observed)
			}
		})
	}
}

func TestStepTimeout(t *testing.T) {
	rb := &Runbook{Operation: "test"}
	err := rb.Run(context.Background(), []Step{{Name: "slow", Timeout: 20 * time.Millisecond, Do: func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}}})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 20ms") {
		t.Fatalf("err = %v, want a timeout naming its limit", err)
	}
}

func TestDeferredFailureIsReported(t *testing.T) {
	rb := &Runbook{Operation: "test"}
	err := rb.Run(context.Background(), []Step{{Name: "grant", Do: func(context.Context) error {
		rb.Defer(Step{Name: "revoke", Do: func(context.Context) error { return errors.New("ORA-03113") }})
		return nil
	}}})
	if err == nil || !strings.Contains(err.Error(), "deferred step revoke") || rb.FailedStep() != "revoke" {
		t.Fatalf("err = %v failed=%q, want the deferred failure reported", err, rb.FailedStep())
	}
}

func TestUndefer(t *testing.T) {
	j := &memJournal{}
	rb := &Runbook{Operation: "test", Journal: j}
	err := rb.Run(context.Background(), []Step{
		{Name: "stop", Do: func(context.Context) error {
			rb.Defer(Step{Name: "start", Do: func(context.Context) error { return nil }})
			return nil
		}},
		{Name: "start", Do: func(context.Context) error {
			if !rb.Undefer("start") {
				t.Error("start was not deferred")
			}
			return nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(j.events, ","); got != "start stop,done stop,start start,done start" {
		t.Fatalf("journal %s: the undeferred step ran twice or not at all", got)
	}
}

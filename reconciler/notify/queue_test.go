package notify

import (
	"context"
	"testing"
)

func TestQueueDropsOldest(t *testing.T) {
	q := newQueue(2)
	var dropped int
	for _, name := range []string{"a", "b", "c", "d"} {
		d, ok := q.push(Event{Server: name})
		if !ok {
			t.Fatalf("push %s refused by an open queue", name)
		}
		if d {
			dropped++
		}
	}
	if dropped != 2 || q.len() != 2 {
		t.Fatalf("dropped %d, len %d; want 2 and 2", dropped, q.len())
	}
	q.close()
	if _, ok := q.push(Event{Server: "e"}); ok {
		t.Error("a closed queue took an event")
	}
	var got []string
	for {
		e, ok := q.pop(context.Background())
		if !ok {
			break
		}
		got = append(got, e.Server)
	}
	if len(got) != 2 || got[0] != "c" || got[1] != "d" {
		t.Errorf("popped %v after close, want the newest two [c d] in order", got)
	}
}

func TestQueuePopEndsWithContext(t *testing.T) {
	q := newQueue(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := q.pop(ctx); ok {
		t.Error("pop on an empty queue with a cancelled context returned an event")
	}
	q.push(Event{Server: "a"})
	if e, ok := q.pop(ctx); !ok || e.Server != "a" {
		t.Errorf("a queued event is still returned after cancel: got %v, %v", e, ok)
	}
}

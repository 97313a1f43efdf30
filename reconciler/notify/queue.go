package notify

import (
	"context"
	"sync"
)

// queue is a bounded FIFO of events: push never blocks, dropping the oldest event when full.
type queue struct {
	mu     sync.Mutex
	items  []Event
	max    int
	closed bool
	ready  chan struct{} // signalled when an item arrives or the queue closes
}

func newQueue(max int) *queue {
	return &queue{max: max, ready: make(chan struct{}, 1)}
}

// push appends e and reports whether the oldest event was dropped to make room. A closed
// queue takes nothing (ok is false).
func (q *queue) push(e Event) (dropped, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false, false
	}
	if len(q.items) >= q.max {
		copy(q.items, q.items[1:])
		q.items = q.items[:len(q.items)-1]
		dropped = true
	}
	q.items = append(q.items, e)
	q.signal()
	return dropped, true
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop waits for the oldest event. ok is false once the queue is closed and empty, or when
// ctx ends.
func (q *queue) pop(ctx context.Context) (e Event, ok bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			e = q.items[0]
			q.items = q.items[1:]
			if len(q.items) > 0 {
				q.signal()
			}
			q.mu.Unlock()
			return e, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return Event{}, false
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return Event{}, false
		}
	}
}

// close stops pushes; pop still returns what is queued.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.signal()
	q.mu.Unlock()
}

// drain empties the queue and returns how many events it held.
func (q *queue) drain() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.items)
	q.items = nil
	return n
}

// len is the number of queued events.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

package store

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// groupCommit merges concurrent bbolt Updates into shared transactions, so
// that many writers pay for one fsync. Writers queue their functions; one
// of them (the leader) commits everything queued in one transaction, then
// hands leadership to the first writer that queued meanwhile. A batch is
// thus whatever arrived during the previous commit: a lone writer commits
// at once, and under load batches grow with the fsync time. (bbolt's own
// db.Batch closes a batch 1 ms after its first call and queues it behind
// the running commit; with a 4–12 ms fsync and a whole request between
// writes, its batches held ~2 calls, and creates on bbolt were ~300/s.)
//
// Before taking the queue, a leader yields the processor once, so that the
// writers the previous commit released, and any other runnable goroutine,
// get to queue first. Without it, writers split into two cohorts taking
// turns (one commits while the other queues): every commit held half of
// them (BenchmarkBoltParallelCreate: 8.3 of 16 writers, 32 of 64). With it
// a commit holds most of them (14.5 of 16, 51 of 64), which made 1.7–1.9×
// the creates/s at 64 writers in that benchmark. The yield waits for no
// timer: with nothing else runnable it returns at once.
type groupCommit struct {
	db    *bolt.DB
	path  string // the data file, for errors
	mu    sync.Mutex
	queue []*groupCall
	busy  bool // a leader is committing

	commits atomic.Uint64 // shared transactions committed (for benchmarks)
}

// groupCall is one queued Update. done receives errLead (commit the queue
// now), errSolo (run alone), or the outcome.
type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error
}

var (
	errLead = errors.New("store: lead the next group commit")
	errSolo = errors.New("store: run alone")
)

// update runs fn in a write transaction shared with concurrent callers. If
// fn fails (or panics) it is run again alone, in the caller's goroutine, so
// only its own writes are dropped and its error or panic reaches its
// caller; the others are committed without it (their functions run again).
func (g *groupCommit) update(fn func(*bolt.Tx) error) error {
	c := &groupCall{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if lead {
		g.commitQueued()
	}
	err := <-c.done
	if err == errLead {
		g.commitQueued()
		err = <-c.done
	}
	if err == errSolo {
		return g.db.Update(fn)
	}
	return err
}

// commitQueued commits every queued call (the leader's own among them) and
// passes leadership on.
func (g *groupCommit) commitQueued() {
	runtime.Gosched() // see groupCommit: let the last batch's writers queue again
	g.mu.Lock()
	batch := g.queue
	g.queue = nil
	g.mu.Unlock()
	g.commit(batch)
	g.mu.Lock()
	if len(g.queue) == 0 {
		g.busy = false
		g.mu.Unlock()
		return
	}
	next := g.queue[0]
	g.mu.Unlock()
	next.done <- errLead
}

// commit runs batch in one transaction. A call that fails is sent off to
// run alone and the rest are tried again without it. If bbolt itself
// panics (on a corrupt page), every call still waiting gets the error.
func (g *groupCommit) commit(batch []*groupCall) {
	defer func() {
		if p := recover(); p != nil {
			err := corruptFile(g.path, fmt.Errorf("committing failed: %v", p))
			for _, c := range batch {
				c.done <- err
			}
		}
	}()
	for len(batch) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range batch {
				if err := callSafely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			if err == nil {
				g.commits.Add(1)
			}
			for _, c := range batch {
				c.done <- err // nil, or the commit's own error
			}
			return
		}
		batch[failed].done <- errSolo
		batch = append(batch[:failed:failed], batch[failed+1:]...)
	}
}

// callSafely runs fn, turning a panic into an error (the caller re-runs fn
// alone, where the panic reaches it).
func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: update panicked: %v", p)
		}
	}()
	return fn(tx)
}

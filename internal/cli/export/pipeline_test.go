package export

import (
	"errors"
	"runtime"
	"testing"
)

// The writer gets every row, in order, whatever the number of batches and the rest.
func TestPipelineWritesInOrder(t *testing.T) {
	for _, n := range []int{0, 1, pipelineBatch - 1, pipelineBatch, pipelineBatch + 1, 10*pipelineBatch + 7} {
		var got []int
		p := newPipeline(func(v int) error { got = append(got, v); return nil })
		for i := range n {
			if err := p.Add(i); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("%d rows added, %d written", n, len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("%d rows: row %d written as %d", n, i, v)
			}
		}
	}
}

// A failed write stops the writing: Add then returns its error, nothing after it is written,
// and Close returns it too.
func TestPipelineStopsAtWriteError(t *testing.T) {
	full := errors.New("disk full")
	var written []int
	p := newPipeline(func(v int) error {
		if v == 300 {
			return full
		}
		written = append(written, v)
		return nil
	})
	var addErr error
	for i := range 100 * pipelineBatch {
		if addErr = p.Add(i); addErr != nil {
			break
		}
	}
	if !errors.Is(addErr, full) {
		t.Errorf("Add after a failed write = %v, want %v", addErr, full)
	}
	if err := p.Close(); !errors.Is(err, full) {
		t.Errorf("Close = %v, want %v", err, full)
	}
	if len(written) != 300 {
		t.Errorf("%d rows written, want the 300 before the failure", len(written))
	}
}

// Abort writes nothing of what is queued, and returns once the writer has stopped.
func TestPipelineAbort(t *testing.T) {
	inside, release := make(chan struct{}), make(chan struct{})
	written := 0
	p := newPipeline(func(int) error {
		if written == 0 {
			close(inside)
			<-release
		}
		written++
		return nil
	})
	for i := range 3 * pipelineBatch {
		_ = p.Add(i)
	}
	// The writer is inside the first batch; the next two are queued. It goes on once Abort
	// has begun.
	<-inside
	aborted := make(chan struct{})
	go func() {
		p.Abort()
		close(aborted)
	}()
	for !p.stopped.Load() {
		runtime.Gosched()
	}
	close(release)
	<-aborted
	if written != pipelineBatch {
		t.Errorf("after Abort, %d rows written, want the %d of the batch being written", written, pipelineBatch)
	}
}

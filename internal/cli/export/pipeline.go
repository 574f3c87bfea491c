package export

import "sync/atomic"

// pipeline writes rows in a goroutine of its own, in batches, while the caller reads the next
// rows from the database: on a machine with a second core, formatting and writing a row no
// longer waits for the database, nor the database for the file. Rows are written in the order
// they were added. Memory is bounded: pipelineBatches batches of pipelineBatch rows at most.
type pipeline[T any] struct {
	write func(T) error
	batch []T
	full  chan []T // batches to write, in order
	free  chan []T // batches written, to fill again
	done  chan struct{}
	// err is the first error of write, set before failed; rows after it are not written.
	err    error
	failed atomic.Bool
	// stopped makes the writer drop the batches left (an export that failed on the reading
	// side).
	stopped atomic.Bool
}

const (
	pipelineBatch   = 256
	pipelineBatches = 4
)

// newPipeline starts the writer, which calls write for each row added.
func newPipeline[T any](write func(T) error) *pipeline[T] {
	p := &pipeline[T]{write: write, full: make(chan []T, pipelineBatches), free: make(chan []T, pipelineBatches),
		done: make(chan struct{})}
	p.batch = make([]T, 0, pipelineBatch)
	for range pipelineBatches - 1 {
		p.free <- make([]T, 0, pipelineBatch)
	}
	go p.run()
	return p
}

func (p *pipeline[T]) run() {
	defer close(p.done)
	for b := range p.full {
		if !p.failed.Load() && !p.stopped.Load() {
			for _, row := range b {
				if err := p.write(row); err != nil {
					p.err = err
					p.failed.Store(true)
					break
				}
			}
		}
		clear(b) // the rows' strings may go
		p.free <- b[:0]
	}
}

// Add queues row. It returns the error of an earlier write, after which nothing more is
// written.
func (p *pipeline[T]) Add(row T) error {
	if p.failed.Load() {
		return p.err
	}
	p.batch = append(p.batch, row)
	if len(p.batch) == cap(p.batch) {
		p.full <- p.batch
		p.batch = <-p.free
	}
	return nil
}

// Close writes the rows queued, waits for the writer and returns its error.
func (p *pipeline[T]) Close() error {
	if len(p.batch) > 0 {
		p.full <- p.batch
		p.batch = nil
	}
	close(p.full)
	<-p.done
	return p.err
}

// Abort stops the writer without writing the rows queued, and waits for it.
func (p *pipeline[T]) Abort() {
	p.stopped.Store(true)
	p.batch = nil
	close(p.full)
	<-p.done
}

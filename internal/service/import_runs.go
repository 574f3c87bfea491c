package service

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// importRunLen is how many records a sorter keeps in memory before it writes them, sorted, to
// its temporary file: 1,048,576 records of the first pass (24 bytes each) are 24 MiB, and a
// file of up to a million lines is sorted in memory alone. Tests lower it.
var importRunLen = 1 << 20

// sorter sorts records of a fixed size that need not fit in memory. Records are gathered in a
// buffer; a full buffer is sorted and written to a temporary file as a run, and reading the
// records back merges the runs. The file is readable by its owner only and removed as soon as
// it is created, as the spool is.
type sorter[T any] struct {
	cmp   func(a, b T) int
	codec recordCodec[T]
	buf   []T
	f     *os.File
	w     *bufio.Writer
	runs  []sortedRun // on file
	n     int         // records added
	enc   []byte
}

// recordCodec writes a record in size bytes and reads it back.
type recordCodec[T any] struct {
	size int
	put  func(b []byte, x T)
	get  func(b []byte) T
}

type sortedRun struct{ off, n int64 }

func newSorter[T any](codec recordCodec[T], cmp func(a, b T) int) *sorter[T] {
	return &sorter[T]{cmp: cmp, codec: codec, enc: make([]byte, codec.size)}
}

// len is how many records were added.
func (s *sorter[T]) len() int { return s.n }

func (s *sorter[T]) add(x T) error {
	if len(s.buf) == importRunLen {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if len(s.buf) == cap(s.buf) { // grow, never beyond a run
		s.buf = slices.Grow(s.buf, min(max(2*cap(s.buf), 4096), importRunLen)-len(s.buf))
	}
	s.buf = append(s.buf, x)
	s.n++
	return nil
}

// spill writes the buffer, sorted, as one more run.
func (s *sorter[T]) spill() error {
	if s.f == nil {
		f, err := os.CreateTemp("", "profil-import-*") // 0600
		if err != nil {
			return fmt.Errorf("create the temporary file of the import: %w", err)
		}
		_ = os.Remove(f.Name())
		s.f, s.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	slices.SortFunc(s.buf, s.cmp)
	var off int64
	if k := len(s.runs); k > 0 {
		off = s.runs[k-1].off + s.runs[k-1].n*int64(s.codec.size)
	}
	for _, x := range s.buf {
		s.codec.put(s.enc, x)
		if _, err := s.w.Write(s.enc); err != nil {
			return fmt.Errorf("write the temporary file of the import: %w", err)
		}
	}
	s.runs = append(s.runs, sortedRun{off: off, n: int64(len(s.buf))})
	clear(s.buf)
	s.buf = s.buf[:0]
	return nil
}

// close removes the temporary file, if any.
func (s *sorter[T]) close() {
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		_ = os.Remove(name)
		s.f = nil
	}
	s.buf = nil
}

// sorted returns the records in order; no record may be added after. next returns false once
// every record was read, or on an error, which err then holds.
func (s *sorter[T]) sorted() (*merger[T], error) {
	slices.SortFunc(s.buf, s.cmp)
	m := &merger[T]{cmp: s.cmp, mem: s.buf}
	if len(s.runs) == 0 {
		return m, nil
	}
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("write the temporary file of the import: %w", err)
	}
	// Each run is read through a buffer of its own: 64 KiB, less when there are more than 256
	// runs (a file of several hundred million lines), so that together they stay within 16 MiB.
	bufSize := max(4<<10, min(64<<10, (16<<20)/len(s.runs)))
	for _, r := range s.runs {
		h := &runReader[T]{codec: s.codec, r: bufio.NewReaderSize(io.NewSectionReader(s.f, r.off, r.n*int64(s.codec.size)), bufSize),
			left: r.n, b: make([]byte, s.codec.size)}
		ok, err := h.next()
		if err != nil {
			return nil, err
		}
		if ok {
			m.heap = append(m.heap, h)
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m, nil
}

// runReader reads one run back.
type runReader[T any] struct {
	codec recordCodec[T]
	r     *bufio.Reader
	left  int64
	b     []byte
	head  T
}

func (h *runReader[T]) next() (bool, error) {
	if h.left == 0 {
		return false, nil
	}
	if _, err := io.ReadFull(h.r, h.b); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return false, fmt.Errorf("read the temporary file of the import: %w", err)
	}
	h.head = h.codec.get(h.b)
	h.left--
	return true, nil
}

// merger yields the records of a sorter in order: those of the runs on file, through a heap
// of their heads, and those still in memory.
type merger[T any] struct {
	cmp  func(a, b T) int
	mem  []T
	heap []*runReader[T]
	err  error
}

// next returns the smallest record not yet returned.
func (m *merger[T]) next() (T, bool) {
	var zero T
	if m.err != nil {
		return zero, false
	}
	fromMem := len(m.mem) > 0 && (len(m.heap) == 0 || m.cmp(m.mem[0], m.heap[0].head) <= 0)
	switch {
	case fromMem:
		x := m.mem[0]
		m.mem = m.mem[1:]
		return x, true
	case len(m.heap) == 0:
		return zero, false
	}
	h := m.heap[0]
	x := h.head
	ok, err := h.next()
	switch {
	case err != nil:
		m.err = err
		return zero, false
	case !ok:
		last := len(m.heap) - 1
		m.heap[0] = m.heap[last]
		m.heap = m.heap[:last]
	}
	if len(m.heap) > 0 {
		m.down(0)
	}
	return x, true
}

func (m *merger[T]) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(m.heap) {
			return
		}
		c := l
		if r := l + 1; r < len(m.heap) && m.cmp(m.heap[r].head, m.heap[l].head) < 0 {
			c = r
		}
		if m.cmp(m.heap[c].head, m.heap[i].head) >= 0 {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}

// The records the import engine sorts.

var seenCodec = recordCodec[seenLine]{
	size: 24,
	put: func(b []byte, x seenLine) {
		binary.LittleEndian.PutUint64(b[0:], x.hash[0])
		binary.LittleEndian.PutUint64(b[8:], x.hash[1])
		binary.LittleEndian.PutUint32(b[16:], uint32(x.line))
		binary.LittleEndian.PutUint32(b[20:], uint32(x.ref))
	},
	get: func(b []byte) seenLine {
		return seenLine{
			hash: [2]uint64{binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:])},
			line: int32(binary.LittleEndian.Uint32(b[16:])),
			ref:  int32(binary.LittleEndian.Uint32(b[20:])),
		}
	},
}

var lateCodec = recordCodec[lateBad]{
	size: 9,
	put: func(b []byte, x lateBad) {
		binary.LittleEndian.PutUint32(b[0:], uint32(x.line))
		binary.LittleEndian.PutUint32(b[4:], uint32(x.first))
		b[8] = byte(x.reason)
	},
	get: func(b []byte) lateBad {
		return lateBad{line: int32(binary.LittleEndian.Uint32(b[0:])), first: int32(binary.LittleEndian.Uint32(b[4:])), reason: lateReason(b[8])}
	},
}

// bySeenHash orders the lines by the hash of their duplicate key, then in file order.
func bySeenHash(a, b seenLine) int {
	return cmp.Or(cmp.Compare(a.hash[0], b.hash[0]), cmp.Compare(a.hash[1], b.hash[1]), cmp.Compare(a.line, b.line))
}

// byLateLine orders the late refusals in file order.
func byLateLine(a, b lateBad) int { return cmp.Compare(a.line, b.line) }

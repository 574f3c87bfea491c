package service

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/csvin"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// The import engine runs an import of one kind of line (accounts, structures…) over a file of
// any size in bounded memory, in two passes:
//
//  1. the file is read once, from start to end (standard input will do), and every line is
//     checked on its own (columns, values) by the kind. Each line, checked and normalised, or
//     its error, goes to a spool: a temporary file readable by its owner only, removed as soon
//     as it is created (it disappears with the process, whatever ends it). Memory keeps only
//     what the checks across lines need: for each good line a 128-bit hash of its duplicate
//     key, its line number and the index of what it refers to (24 bytes, kept in memory up
//     to a million lines, and beyond that written in sorted runs to another temporary file),
//     and the kind's table of references (the distinct SIRETs). Then the kind looks up its
//     references (unknown SIRETs), and duplicates are found by merging the sorted hashes;
//  2. the spool is read back and the good lines written in batches of BatchSize lines, one
//     transaction and one audit event per batch. What a line does is decided in its batch's
//     transaction from what the database holds (an account that exists is attached, not
//     created again), so a run that stops half-way (a crash, a kill) keeps the batches it
//     committed, and running the same file again completes it without duplicates. A run that
//     finds everything done writes nothing, not even an audit event.
//
// A file with bad lines is refused before anything is written (the second pass then only
// reports the bad lines), unless SkipInvalid. A dry run does both passes and writes nothing:
// the second only reads, to say what would happen. Results are reported in file order, each
// once its batch is written; the rows held in memory are those of one batch and the bad lines
// among them, and those of the next, read ahead while it is written.
//
// A kind of import plugs in by implementing lineKind.

// How many lines one transaction of an import writes unless told: on PostgreSQL, and on
// SQLite. SQLite commits a transaction by writing every page it changed to its log, and the
// lines of a file fall at random in the indexes of e-mails, names and structures: at a million
// accounts a batch of 5,000 lines changes about 12,000 pages, and four times fewer commits
// write less than half the bytes, for some 60 MB more memory (bench/NOTES.md, "Import on SQLite").
// The write lock is held longer: another process's write waited at most a few seconds during
// an import of a million accounts, well within the busy timeout of 10 s it waits for.
const (
	DefaultImportBatch       = 5000
	DefaultSQLiteImportBatch = 20000
)

// MaxImportBatch bounds the lines of one batch: a batch's lines are held in memory while it is
// written, and beyond this no engine writes faster. A larger size is taken as this one.
const MaxImportBatch = 100_000

// maxListedLines bounds how many bad lines the message of a refused import lists.
const maxListedLines = 20

// The results of an import line.
const (
	ResultCreated     = "created"
	ResultAttached    = "attached" // an existing account attached to one more structure
	ResultUpdated     = "updated"
	ResultSkipped     = "skipped" // already there: nothing to do
	ResultError       = "error"
	ResultWouldCreate = "would-create"
	ResultWouldAttach = "would-attach"
	ResultWouldUpdate = "would-update"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Source is the base the accounts of a user import come from: "synapse" or "prisme".
	Source string
	// File names the file in the audit trail.
	File string
	// DryRun reads and checks everything and writes nothing.
	DryRun bool
	// SkipInvalid imports the good lines of a file that has bad ones.
	SkipInvalid bool
	// BatchSize is how many lines one transaction writes; 0 means the engine's default
	// (DefaultSQLiteImportBatch on SQLite, DefaultImportBatch on PostgreSQL).
	BatchSize int
	// OnResult, when set, receives the result of each line, in the order of the file. When the
	// import is refused for bad lines, only those are reported.
	OnResult func(LineResult) `json:"-"`
	// OnProgress, when set, is told after each batch how many good lines are done, of how many.
	OnProgress func(done, total int) `json:"-"`
}

// batchSize is set by importOptions when the import starts; DefaultImportBatch is only for a
// caller that did not go through it.
func (o ImportOptions) batchSize() int {
	if o.BatchSize > 0 {
		return o.BatchSize
	}
	return DefaultImportBatch
}

// importOptions gives opts the batch size of the store's engine when it has none.
func (s *Service) importOptions(opts ImportOptions) ImportOptions {
	opts.BatchSize = min(opts.BatchSize, MaxImportBatch)
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultImportBatch
		if s.store.Dialect() == "sqlite" {
			opts.BatchSize = DefaultSQLiteImportBatch
		}
	}
	return opts
}

// LineResult is what happened to one line of an import file.
type LineResult struct {
	Line int
	// Key is what identifies the line's subject: the e-mail, the SIRET, or the name of a
	// structure without SIRET.
	Key    string
	Result string
	// Err says why a line was refused (Result is ResultError); it is a *LineError.
	Err error
}

// ImportSummary counts the results of an import.
type ImportSummary struct {
	Lines  int            // lines read, header excluded
	Counts map[string]int // lines by result
}

// LineError is why one line of an import file is refused. It unwraps to domain.ErrInvalid.
type LineError struct {
	Line   int
	Column string // empty when the line as a whole is at fault
	Value  string // the cell as read, for the message
	Reason string
}

func (e *LineError) Error() string { return i18n.T("import.line_error", e.Line, e.Detail()) }

// Detail is the message without the line number: `column phone: "05 56" is not a valid phone
// number`.
func (e *LineError) Detail() string {
	if e.Column == "" {
		return e.Reason
	}
	return i18n.T("import.column", e.Column, phrase(e.Value, e.Reason))
}

// Unwrap makes errors.Is(err, domain.ErrInvalid) true.
func (e *LineError) Unwrap() error { return domain.ErrInvalid }

// phrase joins a value and the validators' reason into a sentence: "x" is not…, "x" must…,
// or "x": reason. Which reasons read as a predicate depends on the language, so the catalogue
// lists their first words.
func phrase(value, reason string) string {
	if value == "" {
		return reason
	}
	if utf8.RuneCountInString(value) > 60 {
		value = string([]rune(value)[:60]) + "…"
	}
	switch {
	case startsWithAny(reason, i18n.T("import.phrase_is_starts")):
		return i18n.T("import.phrase_is", value, reason)
	case startsWithAny(reason, i18n.T("import.phrase_predicate_starts")):
		return i18n.T("import.phrase_predicate", value, reason)
	}
	return i18n.T("import.phrase_colon", value, reason)
}

// startsWithAny reports whether s starts with one of the "|"-separated prefixes.
func startsWithAny(s, prefixes string) bool {
	for _, p := range strings.Split(prefixes, "|") {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// lineError turns a validator's error into the error of a line, the field named by the column
// it came from.
func lineError(line int, err error, columns map[string]string) *LineError {
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		col := fe.Field
		if c, ok := columns[col]; ok {
			col = c
		}
		return &LineError{Line: line, Column: col, Value: fe.Value, Reason: i18n.Text(fe.Reason)}
	}
	var le *LineError
	if errors.As(err, &le) {
		return le
	}
	return &LineError{Line: line, Reason: err.Error()}
}

// ImportError refuses a file with bad lines: nothing was written. It unwraps to
// domain.ErrInvalid (exit 6).
type ImportError struct {
	Bad   []LineResult // the first bad lines, at most maxListedLines
	Count int          // how many lines are bad
	Lines int          // how many lines the file has
}

func (e *ImportError) Error() string {
	var b strings.Builder
	switch {
	case e.Lines == 1:
		b.WriteString(i18n.T("import.refused_only_line"))
	case e.Count == e.Lines:
		b.WriteString(i18n.T("import.refused_all", e.Lines))
	default:
		b.WriteString(i18n.N(e.Count, "import.refused", e.Count, e.Lines))
	}
	for _, r := range e.Bad {
		b.WriteString("\n  ")
		b.WriteString(r.Err.Error())
	}
	if more := e.Count - len(e.Bad); more > 0 {
		b.WriteString("\n  ")
		b.WriteString(i18n.T("import.and_more", more))
	}
	return b.String()
}

// Unwrap makes errors.Is(err, domain.ErrInvalid) true.
func (e *ImportError) Unwrap() error { return domain.ErrInvalid }

// importRow is the part every kind of row shares: its line, its key and its fate.
type importRow struct {
	line   int
	key    string
	err    error // the line is refused
	result string
}

func (r *importRow) base() *importRow { return r }

type row interface{ base() *importRow }

// checkedLine is a line the first pass found good on its own.
type checkedLine struct {
	// Key identifies the line in results (the e-mail, the SIRET…).
	Key string
	// Dup is the line's duplicate key: a later line with the same one is refused as a
	// duplicate of the first. "" for none.
	Dup string
	// Ref is the index, in the kind's own table, of what the line refers to and the kind
	// checks once all lines are read (a SIRET that must exist); -1 for nothing.
	Ref int32
	// Cells are what the second pass rebuilds the row from (normalised values, or the cells
	// as read when rebuilding means checking again).
	Cells []string
}

// lateReason is why a line good on its own is refused once every line is read.
type lateReason uint8

const (
	lateDuplicate  lateReason = iota + 1 // the same duplicate key as an earlier line
	lateUnknownRef                       // what it refers to is not in the database
)

// lateBad is a line refused once every line is read.
type lateBad struct {
	line   int32
	reason lateReason
	first  int32 // for a duplicate: the line it repeats
}

// lineKind is one kind of import line: what the engine asks of an import.
type lineKind[R row] interface {
	// columns are the columns of the file.
	columns() []csvin.Column
	// check checks one record on its own. On error, key is still what identifies the line
	// (the cell as read).
	check(rec csvin.Record) (line checkedLine, key string, err error)
	// resolve looks up the references of the lines once all are read, and returns which
	// are unknown.
	resolve(ctx context.Context) (unknown func(ref int32) bool, err error)
	// row rebuilds, in the second pass, the row of a line check found good.
	row(line int, c checkedLine) R
	// badRow is the row of a line refused by check.
	badRow(line int, key string) R
	// refuse is the error of a line refused once all lines were read.
	refuse(x R, why lateBad) error
	// write writes one batch of good rows (or, in a dry run, says what it would do), setting
	// each row's result, in one transaction.
	write(ctx context.Context, batch []R) error
}

// StatisticsAfter is how many lines an import writes before it has the database refresh its
// statistics at its end (PostgreSQL's ANALYZE, a few seconds on tables of millions of rows):
// until autovacuum does, a table that grew by so many rows is planned as it was, and the
// commands that follow may read it whole.
const StatisticsAfter = 10_000

// refreshStatisticsAfter refreshes the statistics of tables once an import that wrote at least
// StatisticsAfter lines (in all its batches, even when it stopped later) has ended. A failure
// changes nothing of what the import did, and is not reported: the statistics are only a help
// to the planner, which autovacuum refreshes in time.
func (s *Service) refreshStatisticsAfter(ctx context.Context, sum ImportSummary, opts ImportOptions, tables ...string) {
	if opts.DryRun || ctx.Err() != nil || sum.Counts[ResultCreated]+sum.Counts[ResultAttached]+sum.Counts[ResultUpdated] < StatisticsAfter {
		return // nothing written, or interrupted: the person wants the command to end
	}
	_ = s.store.RefreshStatistics(ctx, tables...)
}

// importHeld, when set (by tests), is told how many rows the second pass holds after each line.
var importHeld func(rows int)

// maxImportLine is the last line of a file an import reads: the checks across lines keep line
// numbers in 32 bits. Tests lower it.
var maxImportLine = math.MaxInt32

// seenLine is what the first pass keeps of a good line: 24 bytes.
type seenLine struct {
	hash [2]uint64 // of its duplicate key
	line int32
	ref  int32
}

// runImport runs an import of kind over in.
func runImport[R row](ctx context.Context, in io.Reader, opts ImportOptions, kind lineKind[R]) (ImportSummary, error) {
	summary := ImportSummary{Counts: map[string]int{}}
	rd, err := csvin.NewReader(in, kind.columns())
	if err != nil {
		return summary, err
	}
	sp, err := newSpool()
	if err != nil {
		return summary, err
	}
	defer sp.close()

	// First pass.
	var (
		seeds    = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
		seen     = newSorter(seenCodec, bySeenHash)
		badCount int
	)
	defer seen.close()
	// A goroutine reads and checks the lines ahead; this one keeps what the checks across
	// lines need and spools them.
	n := 0
	err = readAhead(firstPassAhead, func(emit func(firstPassLine) bool) error {
		for {
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			var le *csvin.LineError
			if errors.As(err, &le) {
				if !emit(firstPassLine{line: le.Line, bad: &LineError{Line: le.Line, Reason: i18n.T("import.bad_csv", le.Err.Error())}}) {
					return nil
				}
				continue
			}
			if err != nil {
				return i18n.Errorf("import.read_failed", err)
			}
			if rec.Line > maxImportLine {
				return domain.Invalid("file", "", "import.too_many_lines", maxImportLine-1)
			}
			c, key, err := kind.check(rec)
			if !emit(firstPassLine{line: rec.Line, key: key, c: c, bad: err}) {
				return nil
			}
		}
	}, func(l firstPassLine) error {
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		summary.Lines++
		if l.bad != nil {
			badCount++
			return sp.writeBad(l.line, l.key, l.bad)
		}
		c := l.c
		if c.Dup != "" || c.Ref >= 0 {
			s := seenLine{line: int32(l.line), ref: c.Ref}
			if c.Dup != "" {
				s.hash = [2]uint64{maphash.String(seeds[0], c.Dup), maphash.String(seeds[1], c.Dup)}
			}
			if err := seen.add(s); err != nil {
				return err
			}
		}
		return sp.writeGood(l.line, c)
	})
	if err != nil {
		return summary, err
	}

	// Across lines: duplicates, then references.
	late, err := lateLines(ctx, seen, kind)
	seen.close()
	defer late.close()
	if err != nil {
		return summary, err
	}
	badCount += late.len()
	lateInOrder, err := late.sorted()
	if err != nil {
		return summary, err
	}
	debug.FreeOSMemory() // what the first pass kept goes back to the system before the writes
	if err := sp.rewind(); err != nil {
		return summary, err
	}

	// Second pass.
	p := &secondPass[R]{opts: opts, kind: kind, sp: sp, summary: &summary, late: lateInOrder, total: summary.Lines - badCount}
	if p.lateHead, p.lateOK = lateInOrder.next(); !p.lateOK && lateInOrder.err != nil {
		return summary, lateInOrder.err
	}
	if badCount > 0 && !opts.SkipInvalid {
		refused := &ImportError{Count: badCount, Lines: summary.Lines}
		err := p.each(func(x R, bad bool) error {
			if bad {
				b := x.base()
				if len(refused.Bad) < maxListedLines {
					refused.Bad = append(refused.Bad, LineResult{Line: b.line, Key: b.key, Result: ResultError, Err: b.err})
				}
				p.emit(x)
			}
			return nil
		})
		if err != nil {
			return summary, err
		}
		return summary, refused
	}
	err = p.each(func(x R, bad bool) error {
		if bad && len(p.batch) == 0 {
			p.emit(x) // nothing before it waits for a write
			return nil
		}
		p.pending = append(p.pending, x)
		if importHeld != nil {
			importHeld(len(p.pending))
		}
		if !bad {
			p.batch = append(p.batch, x)
		}
		if len(p.batch) == opts.batchSize() || len(p.pending) >= 2*opts.batchSize() {
			return p.flush(ctx)
		}
		return nil
	})
	if err == nil {
		err = p.flush(ctx)
	}
	return summary, err
}

// lateLines finds the lines good on their own that are refused once all are read: the
// duplicates (merging the hashes of their keys in order, from memory and from the runs the
// sorter wrote), then those whose reference is unknown. It returns them in a sorter that reads
// them back in file order.
func lateLines[R row](ctx context.Context, seen *sorter[seenLine], kind lineKind[R]) (*sorter[lateBad], error) {
	late := newSorter(lateCodec, byLateLine)
	unknown, err := kind.resolve(ctx)
	if err != nil {
		return late, err
	}
	inOrder, err := seen.sorted()
	if err != nil {
		return late, err
	}
	var (
		prev  seenLine
		first int32 // the first line of prev's duplicate key
	)
	for i := 0; ; i++ {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			return late, ctx.Err()
		}
		s, ok := inOrder.next()
		if !ok {
			break
		}
		switch {
		case i > 0 && s.hash != ([2]uint64{}) && s.hash == prev.hash:
			err = late.add(lateBad{line: s.line, reason: lateDuplicate, first: first})
		case s.ref >= 0 && unknown(s.ref):
			first = s.line
			err = late.add(lateBad{line: s.line, reason: lateUnknownRef})
		default:
			first = s.line
		}
		if err != nil {
			return late, err
		}
		prev = s
	}
	return late, inOrder.err
}

// secondPass reads the spool back, and reports results in file order.
type secondPass[R row] struct {
	opts     ImportOptions
	kind     lineKind[R]
	summary  *ImportSummary
	late     *merger[lateBad] // the lines refused once all were read, in file order
	lateHead lateBad          // the next of them
	lateOK   bool             // lateHead is one
	sp       *spool
	total    int // good lines
	done     int // good lines written
	pending  []R // lines read since the last batch was written, in file order
	batch    []R // the good ones among them
}

// aheadChunk is how many lines a goroutine that reads them ahead hands over at a time.
const aheadChunk = 256

// firstPassAhead is how many chunks of lines the first pass reads and checks ahead.
const firstPassAhead = 16

// firstPassLine is a line the first pass read and checked: good (c), or bad (why).
type firstPassLine struct {
	line int
	key  string
	c    checkedLine
	bad  error
}

// aheadItems are items read ahead, or why reading stopped.
type aheadItems[T any] struct {
	items []T
	err   error
}

// readAhead runs produce in a goroutine, which hands what it emits over in chunks of
// aheadChunk, up to depth chunks ahead, and calls each with every item, in order, in the
// calling goroutine: the two work at once. It returns the first error of each or of produce;
// once each has failed, emit returns false and produce should return. produce has ended when
// readAhead returns.
func readAhead[T any](depth int, produce func(emit func(T) bool) error, each func(T) error) error {
	ahead := make(chan aheadItems[T], max(1, depth))
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ahead)
		var chunk aheadItems[T]
		send := func() bool {
			select {
			case ahead <- chunk:
				chunk = aheadItems[T]{}
				return true
			case <-stop:
				return false
			}
		}
		err := produce(func(x T) bool {
			chunk.items = append(chunk.items, x)
			return len(chunk.items) < aheadChunk || send()
		})
		chunk.err = err
		if len(chunk.items) > 0 || err != nil {
			send()
		}
	}()
	defer func() {
		close(stop)
		<-done
	}()
	for chunk := range ahead {
		for _, x := range chunk.items {
			if err := each(x); err != nil {
				return err
			}
		}
		if chunk.err != nil {
			return chunk.err
		}
	}
	return nil
}

// secondPassLine is a line of the second pass, read ahead.
type secondPassLine[R row] struct {
	x   R
	bad bool
}

// each calls fn with every line of the spool, in file order, and whether it is bad. A
// goroutine reads the lines and rebuilds their rows up to a batch ahead, while fn writes the
// batch before: the database does not wait for it between two batches.
func (p *secondPass[R]) each(fn func(x R, bad bool) error) error {
	return readAhead(p.opts.batchSize()/aheadChunk, func(emit func(secondPassLine[R]) bool) error {
		return p.read(func(x R, bad bool) bool { return emit(secondPassLine[R]{x, bad}) })
	}, func(l secondPassLine[R]) error { return fn(l.x, l.bad) })
}

// read calls emit with every line of the spool, in file order, and whether it is bad, until
// emit returns false.
func (p *secondPass[R]) read(emit func(x R, bad bool) bool) error {
	for {
		line, key, c, lerr, err := p.sp.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var x R
		switch {
		case lerr != nil:
			x = p.kind.badRow(line, key)
			b := x.base()
			b.err, b.result = lerr, ResultError
		case p.lateOK && int(p.lateHead.line) < line:
			return fmt.Errorf("import: line %d, refused once every line was read, was not found in the file again", p.lateHead.line)
		case p.lateOK && int(p.lateHead.line) == line:
			x = p.kind.row(line, c)
			b := x.base()
			b.err, b.result = p.kind.refuse(x, p.lateHead), ResultError
			p.lateHead, p.lateOK = p.late.next()
			if !p.lateOK && p.late.err != nil {
				return p.late.err
			}
		default:
			x = p.kind.row(line, c)
		}
		if !emit(x, x.base().err != nil) {
			return nil
		}
	}
}

// flush writes the batch, then reports the lines read so far.
func (p *secondPass[R]) flush(ctx context.Context) error {
	if len(p.batch) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := p.kind.write(ctx, p.batch); err != nil {
			for _, x := range p.batch {
				x.base().result = "" // not written: reported by nobody
			}
			if p.opts.DryRun {
				return err
			}
			key := "import.batch_failed"
			if p.done == 0 {
				key = "import.first_batch_failed" // nothing of the file was written
			}
			return i18n.Errorf(key, p.batch[0].base().line, p.batch[len(p.batch)-1].base().line, err)
		}
		p.done += len(p.batch)
		if p.opts.OnProgress != nil {
			p.opts.OnProgress(p.done, p.total)
		}
		clear(p.batch)
		p.batch = p.batch[:0]
	}
	for _, x := range p.pending {
		p.emit(x)
	}
	clear(p.pending)
	p.pending = p.pending[:0]
	return nil
}

// emit reports the result of one line.
func (p *secondPass[R]) emit(x R) {
	b := x.base()
	if b.result == "" {
		return
	}
	p.summary.Counts[b.result]++
	if p.opts.OnResult != nil {
		p.opts.OnResult(LineResult{Line: b.line, Key: b.key, Result: b.result, Err: b.err})
	}
}

// spool holds the lines of the first pass for the second: a temporary file, removed at once
// (on systems that allow it) so that nothing remains of it however the process ends.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	werr error // the first write error
	r    *bufio.Reader
	buf  []byte
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "profil-import-*") // 0600
	if err != nil {
		return nil, fmt.Errorf("create the temporary file of the import: %w", err)
	}
	_ = os.Remove(f.Name())
	return &spool{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

func (s *spool) close() {
	name := s.f.Name()
	s.f.Close()
	_ = os.Remove(name) // where it could not be removed while open
}

// Records: a tag ('g' good, 'b' bad), the line, the key, then the cells (good) or the
// column, value and reason of the error (bad), each string as its length and its bytes.

func (s *spool) writeGood(line int, c checkedLine) error {
	s.head('g', line, c.Key, len(c.Cells))
	for _, v := range c.Cells {
		s.str(v)
	}
	return s.err()
}

func (s *spool) writeBad(line int, key string, err error) error {
	le := lineError(line, err, nil)
	s.head('b', line, key, 3)
	s.str(le.Column)
	s.str(le.Value)
	s.str(le.Reason)
	return s.err()
}

func (s *spool) head(tag byte, line int, key string, n int) {
	s.buf = append(s.buf[:0], tag)
	s.buf = binary.AppendUvarint(s.buf, uint64(line))
	s.buf = binary.AppendUvarint(s.buf, uint64(n))
	s.write(s.buf)
	s.str(key)
}

func (s *spool) str(v string) {
	s.buf = binary.AppendUvarint(s.buf[:0], uint64(len(v)))
	s.write(s.buf)
	if s.werr == nil {
		_, s.werr = s.w.WriteString(v)
	}
}

func (s *spool) write(b []byte) {
	if s.werr == nil {
		_, s.werr = s.w.Write(b)
	}
}

// err is the first write error.
func (s *spool) err() error {
	if s.werr != nil {
		return fmt.Errorf("write the temporary file of the import: %w", s.werr)
	}
	return nil
}

func (s *spool) rewind() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write the temporary file of the import: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.r = bufio.NewReaderSize(s.f, 256<<10)
	return nil
}

// read returns the next record: a good line's cells, or a bad line's error.
func (s *spool) read() (line int, key string, c checkedLine, lerr *LineError, err error) {
	tag, err := s.r.ReadByte()
	if err != nil {
		return 0, "", c, nil, err
	}
	l, err := binary.ReadUvarint(s.r)
	if err != nil {
		return 0, "", c, nil, spoolErr(err)
	}
	n, err := binary.ReadUvarint(s.r)
	if err != nil {
		return 0, "", c, nil, spoolErr(err)
	}
	if key, err = s.readStr(); err != nil {
		return 0, "", c, nil, err
	}
	cells := make([]string, n)
	for i := range cells {
		if cells[i], err = s.readStr(); err != nil {
			return 0, "", c, nil, err
		}
	}
	if tag == 'b' {
		return int(l), key, c, &LineError{Line: int(l), Column: cells[0], Value: cells[1], Reason: cells[2]}, nil
	}
	return int(l), key, checkedLine{Key: key, Cells: cells}, nil, nil
}

func (s *spool) readStr() (string, error) {
	n, err := binary.ReadUvarint(s.r)
	if err != nil {
		return "", spoolErr(err)
	}
	if n == 0 {
		return "", nil
	}
	if uint64(cap(s.buf)) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	if _, err := io.ReadFull(s.r, b); err != nil {
		return "", spoolErr(err)
	}
	return string(b), nil
}

func spoolErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read the temporary file of the import: %w", err)
}

// wouldResult is what a dry run says of a result.
func wouldResult(result string) string {
	switch result {
	case ResultCreated:
		return ResultWouldCreate
	case ResultAttached:
		return ResultWouldAttach
	case ResultUpdated:
		return ResultWouldUpdate
	}
	return result
}

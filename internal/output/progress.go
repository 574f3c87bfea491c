package output

import (
	"sync"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"

	"github.com/profil-cli/profil/internal/iostreams"
)

// Progress shows a progress bar on stderr for long jobs such as exports and
// imports. The bar is drawn only when stderr is a terminal: in a pipe, a cron
// job or a CI log its cursor movements would only add noise, so every method
// then does nothing. All methods are safe on a nil *Progress and may be
// called from any goroutine.
type Progress struct {
	writer   progress.Writer
	tracker  *progress.Tracker
	finished chan struct{}
	once     sync.Once
}

// NewProgress starts a progress bar titled title that expects total units of
// work; a total of 0 or less shows an activity indicator instead of a
// percentage, for jobs whose size is unknown.
func NewProgress(ios *iostreams.IOStreams, title string, total int64) *Progress {
	if !ios.IsStderrTTY() {
		return &Progress{}
	}
	w := progress.NewWriter()
	w.SetOutputWriter(ios.ErrOut)
	w.SetTerminalWidth(ios.TerminalWidth())
	w.SetUpdateFrequency(100 * time.Millisecond)
	w.SetAutoStop(true) // rendering ends on its own once the tracker is done
	w.SetTrackerLength(25)
	w.SetTrackerPosition(progress.PositionRight) // title first, then the bar
	w.Style().Visibility.ETA = total > 0
	tracker := &progress.Tracker{Message: title, Total: max(total, 0), Units: progress.UnitsDefault}
	w.AppendTracker(tracker)

	p := &Progress{writer: w, tracker: tracker, finished: make(chan struct{})}
	go func() {
		defer close(p.finished)
		w.Render()
	}()
	return p
}

// Increment records n more units of work done.
func (p *Progress) Increment(n int64) {
	if p == nil || p.tracker == nil {
		return
	}
	p.tracker.Increment(n)
}

// Done marks the job finished and waits until the bar's last state is drawn,
// so that messages printed afterwards do not collide with it. Calling it more
// than once is harmless.
func (p *Progress) Done() {
	if p == nil || p.tracker == nil {
		return
	}
	p.once.Do(func() {
		p.tracker.MarkAsDone()
		p.writer.Stop()
		<-p.finished
	})
}

package output

import (
	"strings"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/iostreams"
)

func TestProgress(t *testing.T) {
	tests := []struct {
		name      string
		stderrTTY bool
		total     int64
		wantDrawn bool
	}{
		{name: "stderr piped: silent", stderrTTY: false, total: 10},
		{name: "terminal: bar drawn", stderrTTY: true, total: 10, wantDrawn: true},
		{name: "terminal, unknown total", stderrTTY: true, total: 0, wantDrawn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetStderrTTY(tt.stderrTTY)
			p := NewProgress(ios, "Export des agents", tt.total)
			var wg sync.WaitGroup
			for range 5 {
				wg.Go(func() { p.Increment(1) })
			}
			wg.Wait()
			p.Done()
			p.Done() // harmless twice
			p.Increment(1)

			if out.Len() != 0 {
				t.Errorf("progress wrote to stdout: %q", out.String())
			}
			drawn := strings.Contains(errOut.String(), "Export des agents")
			if drawn != tt.wantDrawn {
				t.Errorf("bar drawn = %v, want %v; stderr = %q", drawn, tt.wantDrawn, errOut.String())
			}
			if !tt.wantDrawn && errOut.Len() != 0 {
				t.Errorf("silent progress wrote %q", errOut.String())
			}
		})
	}
}

func TestProgressNil(t *testing.T) {
	var p *Progress
	p.Increment(1)
	p.Done()
}

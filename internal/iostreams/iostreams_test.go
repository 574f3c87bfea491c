package iostreams

import (
	"errors"
	"testing"
)

func TestFromEnv(t *testing.T) {
	noSize := func() (int, error) { return 0, errors.New("not a terminal") }
	size := func(w int) func() (int, error) { return func() (int, error) { return w, nil } }

	tests := []struct {
		name                 string
		env                  map[string]string
		stdin, stdout, stder bool
		size                 func() (int, error)
		wantColor            bool
		wantPrompt           bool
		wantWidth            int
	}{
		{name: "all terminals", stdin: true, stdout: true, stder: true, size: size(132),
			env: map[string]string{"TERM": "xterm-256color"}, wantColor: true, wantPrompt: true, wantWidth: 132},
		{name: "stdout piped", stdin: true, stdout: false, stder: true, size: noSize,
			wantColor: false, wantPrompt: true, wantWidth: DefaultWidth},
		{name: "NO_COLOR non-empty", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"NO_COLOR": "1"}, wantColor: false, wantPrompt: true, wantWidth: 80},
		{name: "NO_COLOR empty is ignored", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"NO_COLOR": ""}, wantColor: true, wantPrompt: true, wantWidth: 80},
		{name: "dumb terminal", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"TERM": "dumb"}, wantColor: false, wantPrompt: true, wantWidth: 80},
		{name: "CI true", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"CI": "true"}, wantColor: true, wantPrompt: false, wantWidth: 80},
		{name: "CI 1", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"CI": "1"}, wantColor: true, wantPrompt: false, wantWidth: 80},
		{name: "CI false", stdin: true, stdout: true, stder: true, size: size(80),
			env: map[string]string{"CI": "false"}, wantColor: true, wantPrompt: true, wantWidth: 80},
		{name: "stdin piped cannot prompt", stdin: false, stdout: true, stder: true, size: size(80),
			wantColor: true, wantPrompt: false, wantWidth: 80},
		{name: "stderr redirected cannot prompt", stdin: true, stdout: true, stder: false, size: size(80),
			wantColor: true, wantPrompt: false, wantWidth: 80},
		{name: "COLUMNS when size unknown", size: noSize,
			env: map[string]string{"COLUMNS": "72"}, wantWidth: 72},
		{name: "measured size beats COLUMNS", stdout: true, size: size(90),
			env: map[string]string{"COLUMNS": "72"}, wantColor: true, wantWidth: 90},
		{name: "bad COLUMNS falls back", size: noSize,
			env: map[string]string{"COLUMNS": "wide"}, wantWidth: DefaultWidth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			ios := fromEnv(getenv, tt.stdin, tt.stdout, tt.stder, tt.size)
			if got := ios.ColorEnabled(); got != tt.wantColor {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.wantColor)
			}
			if got := ios.CanPrompt(); got != tt.wantPrompt {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.wantPrompt)
			}
			if got := ios.TerminalWidth(); got != tt.wantWidth {
				t.Errorf("TerminalWidth() = %d, want %d", got, tt.wantWidth)
			}
			if ios.IsStdinTTY() != tt.stdin || ios.IsStdoutTTY() != tt.stdout || ios.IsStderrTTY() != tt.stder {
				t.Errorf("TTY flags = %v/%v/%v, want %v/%v/%v",
					ios.IsStdinTTY(), ios.IsStdoutTTY(), ios.IsStderrTTY(), tt.stdin, tt.stdout, tt.stder)
			}
		})
	}
}

func TestTestStreams(t *testing.T) {
	ios, in, out, errOut := Test()
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Error("Test() streams must not be terminals")
	}
	if ios.ColorEnabled() {
		t.Error("Test() streams must not have colour")
	}
	if ios.CanPrompt() {
		t.Error("Test() streams must not prompt")
	}
	if got := ios.TerminalWidth(); got != DefaultWidth {
		t.Errorf("TerminalWidth() = %d, want %d", got, DefaultWidth)
	}

	in.WriteString("typed")
	buf := make([]byte, 5)
	if n, _ := ios.In.Read(buf); string(buf[:n]) != "typed" {
		t.Errorf("In reads %q, want %q", buf[:n], "typed")
	}
	if _, err := ios.Out.Write([]byte("data")); err != nil || out.String() != "data" {
		t.Errorf("Out buffer = %q, %v", out.String(), err)
	}
	if _, err := ios.ErrOut.Write([]byte("msg")); err != nil || errOut.String() != "msg" {
		t.Errorf("ErrOut buffer = %q, %v", errOut.String(), err)
	}
}

func TestSetters(t *testing.T) {
	tests := []struct {
		name       string
		apply      func(*IOStreams)
		wantPrompt bool
		wantColor  bool
		wantWidth  int
	}{
		{name: "nothing", apply: func(*IOStreams) {}, wantWidth: DefaultWidth},
		{name: "both terminals", apply: func(s *IOStreams) { s.SetStdinTTY(true); s.SetStderrTTY(true) },
			wantPrompt: true, wantWidth: DefaultWidth},
		{name: "never prompt wins", apply: func(s *IOStreams) {
			s.SetStdinTTY(true)
			s.SetStderrTTY(true)
			s.SetNeverPrompt(true)
		}, wantWidth: DefaultWidth},
		{name: "never prompt undone", apply: func(s *IOStreams) {
			s.SetStdinTTY(true)
			s.SetStderrTTY(true)
			s.SetNeverPrompt(true)
			s.SetNeverPrompt(false)
		}, wantPrompt: true, wantWidth: DefaultWidth},
		{name: "colour on then off", apply: func(s *IOStreams) {
			s.SetColorEnabled(true)
			s.SetColorEnabled(false)
		}, wantWidth: DefaultWidth},
		{name: "colour on", apply: func(s *IOStreams) { s.SetColorEnabled(true) }, wantColor: true, wantWidth: DefaultWidth},
		{name: "width", apply: func(s *IOStreams) { s.SetTerminalWidth(60) }, wantWidth: 60},
		{name: "width zero ignored", apply: func(s *IOStreams) { s.SetTerminalWidth(0) }, wantWidth: DefaultWidth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			tt.apply(ios)
			if got := ios.CanPrompt(); got != tt.wantPrompt {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.wantPrompt)
			}
			if got := ios.ColorEnabled(); got != tt.wantColor {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.wantColor)
			}
			if got := ios.TerminalWidth(); got != tt.wantWidth {
				t.Errorf("TerminalWidth() = %d, want %d", got, tt.wantWidth)
			}
		})
	}
}

func TestSystem(t *testing.T) {
	ios := System()
	if ios.In == nil || ios.Out == nil || ios.ErrOut == nil {
		t.Fatal("System() left a stream nil")
	}
	if ios.TerminalWidth() < 1 {
		t.Errorf("TerminalWidth() = %d, want > 0", ios.TerminalWidth())
	}
}

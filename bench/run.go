package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// measurement is one process run: its wall time, from start to exit, its CPU time (user and
// system, the process and the children it waited for) and its peak resident set size. On a
// machine other processes keep busy the wall time grows with their load, the CPU time hardly.
type measurement struct {
	wall      time.Duration
	user, sys time.Duration
	maxRSS    int64 // bytes
}

// cpu is the CPU time of the run, user and system.
func (m measurement) cpu() time.Duration { return m.user + m.sys }

// job is a process to run and measure.
type job struct {
	name   string
	args   []string
	env    []string // nil: this process's environment
	stdin  io.Reader
	stdout string // a file to write standard output to; "": /dev/null
	// rss measures the peak resident set size through /usr/bin/time, which gives the CPU
	// time too. The peak in the rusage of a child started directly is no good: Linux keeps,
	// across exec, the peak of the process that forked it, here the benchmark with its
	// generated data (its CPU times are right).
	rss bool
}

// timeBin is GNU time, which reports the peak RSS of the process it runs.
const timeBin = "/usr/bin/time"

// run runs j, and fails with its standard error when it does not exit with 0.
func (j job) run(ctx context.Context) (measurement, error) {
	name, args := j.name, j.args
	var rssFile string
	if j.rss {
		f, err := os.CreateTemp("", "profil-bench-rss-")
		if err != nil {
			return measurement{}, err
		}
		rssFile = f.Name()
		f.Close()
		defer os.Remove(rssFile)
		name, args = timeBin, append([]string{"-f", "%M %U %S", "-o", rssFile, j.name}, j.args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = j.env
	cmd.Stdin = j.stdin
	out := os.DevNull
	if j.stdout != "" {
		out = j.stdout
	}
	// A file, not a Go writer: the child writes straight to it, with no copying goroutine.
	f, err := os.Create(out)
	if err != nil {
		return measurement{}, err
	}
	defer f.Close()
	cmd.Stdout = f
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", filepath.Base(j.name), strings.Join(j.args, " "), err, tail(errOut.String(), 2000))
	}
	m := measurement{wall: wall, user: cmd.ProcessState.UserTime(), sys: cmd.ProcessState.SystemTime()}
	if rssFile != "" {
		b, err := os.ReadFile(rssFile)
		if err != nil {
			return m, err
		}
		if err := m.parseTime(b); err != nil {
			return m, fmt.Errorf("%s: %q: %w", timeBin, b, err)
		}
	}
	return m, f.Close()
}

// parseTime reads the output of GNU time -f "%M %U %S": the peak RSS in KiB, the user and
// system times in seconds, on the last line (time writes the process's failure before).
func (m *measurement) parseTime(out []byte) error {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	fields := strings.Fields(lines[len(lines)-1])
	if len(fields) != 3 {
		return errors.New("want peak RSS, user and system times")
	}
	kb, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return err
	}
	var times [2]time.Duration
	for i, f := range fields[1:] {
		s, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return err
		}
		times[i] = time.Duration(s * float64(time.Second))
	}
	m.maxRSS, m.user, m.sys = kb*1024, times[0], times[1]
	return nil
}

// output runs j and returns its standard output, for set-up steps that read an answer.
func (j job) output(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, j.name, j.args...)
	cmd.Env = j.env
	cmd.Stdin = j.stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w\n%s", filepath.Base(j.name), strings.Join(j.args, " "), err, tail(errOut.String(), 2000))
	}
	return out.String(), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// median returns the median wall time, the user and system times of the run of median CPU
// time, and the largest peak RSS of ms.
func median(ms []measurement) measurement {
	walls := make([]time.Duration, len(ms))
	var rss int64
	for i, m := range ms {
		walls[i] = m.wall
		rss = max(rss, m.maxRSS)
	}
	slices.Sort(walls)
	mid := len(walls) / 2
	w := walls[mid]
	if len(walls)%2 == 0 {
		w = (walls[mid-1] + walls[mid]) / 2
	}
	byCPU := slices.Clone(ms)
	slices.SortFunc(byCPU, func(a, b measurement) int { return cmp.Compare(a.cpu(), b.cpu()) })
	c := byCPU[len(byCPU)/2]
	return measurement{wall: w, user: c.user, sys: c.sys, maxRSS: rss}
}

// profil runs the binary under test as a user would: its own home, configuration and data
// folders, the database named by PROFIL_DB.
type profil struct {
	bin string
	env []string
	dsn string
}

func newProfil(bin, home, dsn string) (*profil, error) {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	env := []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"PATH=" + os.Getenv("PATH"), "PROFIL_DB=" + dsn, "LANG=C.UTF-8", "NO_COLOR=1",
	}
	return &profil{bin: bin, env: env, dsn: dsn}, nil
}

func (p *profil) job(stdin string, stdout string, args ...string) job {
	return job{name: p.bin, args: args, env: p.env, stdin: strings.NewReader(stdin), stdout: stdout}
}

// withRSS measures the peak RSS of j too, when /usr/bin/time is there.
func (j job) withRSS() job {
	if _, err := os.Stat(timeBin); err == nil {
		j.rss = true
	}
	return j
}

func (p *profil) run(ctx context.Context, stdin string, args ...string) (measurement, error) {
	return p.job(stdin, "", args...).run(ctx)
}

// timed is a job timed in turn with others, and what names it in errors.
type timed struct {
	what string
	job  job
}

// timeInTurn runs each job once unmeasured, then, once the machine is quiet, all of them in
// turn show-runs times, so that a moment of load falls on all alike, and returns the median
// of each.
func (b *bench) timeInTurn(ctx context.Context, jobs []timed) ([]measurement, error) {
	for _, t := range jobs {
		if _, err := t.job.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", t.what, err)
		}
	}
	runs := make([][]measurement, len(jobs))
	b.waitQuiet(ctx)
	for range b.showRuns {
		for i, t := range jobs {
			m, err := t.job.run(ctx)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.what, err)
			}
			runs[i] = append(runs[i], m)
		}
	}
	medians := make([]measurement, len(jobs))
	for i := range runs {
		medians[i] = median(runs[i])
	}
	return medians, nil
}

// The gestionnaire the benchmark signs in as.
const (
	adminEmail    = "gestion@bench-profil.example"
	adminName     = "Camille Gestion"
	adminPassword = "Banc d'essai : 1 000 000 de comptes !"
)

// initialise creates the schema and the first gestionnaire, signed in.
func (p *profil) initialise(ctx context.Context, postgres bool) error {
	if postgres {
		if _, err := p.run(ctx, "", "db", "migrate"); err != nil {
			return err
		}
	}
	_, err := p.run(ctx, adminPassword+"\n", "init", "--admin-email", adminEmail, "--admin-name", adminName, "--password-stdin")
	return err
}

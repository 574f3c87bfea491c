package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/profil-cli/profil/internal/i18n"
)

// surveyPrompter asks questions on a terminal with survey.
type surveyPrompter struct {
	stdin  *escReader
	stderr *os.File
}

// NewSurvey returns a Prompter reading keys from stdin and drawing prompts on
// stderr, so that stdout carries only data even during an interactive
// session (`profil ... > out.json` still asks its questions).
func NewSurvey(stdin, stderr *os.File) Prompter {
	return &surveyPrompter{stdin: &escReader{f: stdin}, stderr: stderr}
}

// escReader reads the keys of the terminal for survey, which has no use for Esc in lists (it
// toggles a vim mode nobody knows of). A lone Esc (one byte alone in a read, which an arrow
// key's ESC [ A never is) is handed over as Ctrl-C, which makes survey return at once, and
// remembered, so that ask reports ErrBack instead of an interruption.
type escReader struct {
	f   *os.File
	esc atomic.Bool
}

func (r *escReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if n == 1 && p[0] == 0x1b {
		r.esc.Store(true)
		p[0] = byte(terminal.KeyInterrupt)
	}
	return n, err
}

// Fd is the terminal's file descriptor, which survey puts in raw mode.
func (r *escReader) Fd() uintptr { return r.f.Fd() }

// survey's own templates, whose hints ("[Use arrows to move, type to filter]") are English.
var (
	selectTemplate      = survey.SelectQuestionTemplate
	multiSelectTemplate = survey.MultiSelectQuestionTemplate
)

// localizeTemplates writes the hints of survey's lists in the current language, and says that
// Esc goes back. survey keeps its templates in package variables: prompts are asked one at a
// time, so setting them before each question is enough.
func localizeTemplates() {
	r := strings.NewReplacer(
		"Use arrows to move, space to select,", i18n.T("prompt.hint_arrows_space"),
		"Use arrows to move,", i18n.T("prompt.hint_arrows"),
		" <right> to all,", i18n.T("prompt.hint_right_all"),
		" <left> to none,", i18n.T("prompt.hint_left_none"),
		" type to filter", i18n.T("prompt.hint_filter"),
		" for more help", i18n.T("prompt.hint_more_help"),
	)
	survey.SelectQuestionTemplate = r.Replace(selectTemplate)
	survey.MultiSelectQuestionTemplate = r.Replace(multiSelectTemplate)
}

func (p *surveyPrompter) ask(q survey.Prompt, answer any, opts ...survey.AskOpt) error {
	localizeTemplates()
	p.stdin.esc.Store(false)
	opts = append(opts, survey.WithStdio(p.stdin, p.stderr, p.stderr))
	err := survey.AskOne(q, answer, opts...)
	switch {
	case errors.Is(err, terminal.InterruptErr) && p.stdin.esc.Load():
		return ErrBack
	case errors.Is(err, terminal.InterruptErr):
		return ErrInterrupted
	case errors.Is(err, io.EOF):
		return ErrCancelled
	}
	return err
}

func (p *surveyPrompter) Input(message, defaultValue string) (string, error) {
	var answer string
	err := p.ask(&survey.Input{Message: message, Default: defaultValue}, &answer)
	return answer, err
}

func (p *surveyPrompter) Password(message string) (string, error) {
	var answer string
	err := p.ask(&survey.Password{Message: message}, &answer)
	return answer, err
}

func (p *surveyPrompter) Confirm(message string, defaultValue bool) (bool, error) {
	if i18n.Current() != i18n.French {
		var answer bool
		err := p.ask(&survey.Confirm{Message: message, Default: defaultValue}, &answer)
		return answer, err
	}
	// survey's Confirm says "(y/N)" and knows only y and n: in French the question is an
	// Input that says "(o/N)" and reads the answer with ParseYesNo.
	hint := i18n.T("prompt.yes_no_default_no")
	if defaultValue {
		hint = i18n.T("prompt.yes_no_default_yes")
	}
	var text string
	err := p.ask(&survey.Input{Message: message + " " + hint}, &text, survey.WithValidator(func(v any) error {
		if _, ok := ParseYesNo(fmt.Sprint(v), defaultValue); !ok {
			return errors.New(i18n.T("prompt.yes_no_invalid"))
		}
		return nil
	}))
	if err != nil {
		return false, err
	}
	yes, _ := ParseYesNo(text, defaultValue)
	return yes, nil
}

// ParseYesNo reads the answer to a yes/no question, in French or in English: o, oui, y, yes;
// n, non, no (any case); empty is def. ok is false for anything else.
func ParseYesNo(answer string, def bool) (yes, ok bool) {
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "":
		return def, true
	case "o", "oui", "y", "yes":
		return true, true
	case "n", "non", "no":
		return false, true
	}
	return false, false
}

func (p *surveyPrompter) Select(message string, options []string, defaultIndex int) (int, error) {
	if len(options) == 0 {
		return 0, fmt.Errorf("prompt %q: no options to choose from", message)
	}
	if defaultIndex < 0 || defaultIndex >= len(options) {
		defaultIndex = 0
	}
	var answer int
	err := p.ask(&survey.Select{Message: message, Options: options, Default: defaultIndex}, &answer)
	return answer, err
}

func (p *surveyPrompter) MultiSelect(message string, options []string, defaults []int) ([]int, error) {
	if len(options) == 0 {
		return nil, fmt.Errorf("prompt %q: no options to choose from", message)
	}
	valid := []int{}
	for _, i := range defaults {
		if i >= 0 && i < len(options) {
			valid = append(valid, i)
		}
	}
	var answer []int
	err := p.ask(&survey.MultiSelect{Message: message, Options: options, Default: valid}, &answer)
	slices.Sort(answer)
	return answer, err
}

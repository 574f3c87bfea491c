package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// surveyPrompter asks questions on a terminal with survey.
type surveyPrompter struct {
	stdin  *os.File
	stderr *os.File
}

// NewSurvey returns a Prompter reading keys from stdin and drawing prompts on
// stderr, so that stdout carries only data even during an interactive
// session (`profil ... > out.json` still asks its questions).
func NewSurvey(stdin, stderr *os.File) Prompter {
	return &surveyPrompter{stdin: stdin, stderr: stderr}
}

func (p *surveyPrompter) ask(q survey.Prompt, answer any) error {
	err := survey.AskOne(q, answer, survey.WithStdio(p.stdin, p.stderr, p.stderr))
	if errors.Is(err, terminal.InterruptErr) || errors.Is(err, io.EOF) {
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
	var answer bool
	err := p.ask(&survey.Confirm{Message: message, Default: defaultValue}, &answer)
	return answer, err
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

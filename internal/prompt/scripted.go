package prompt

import (
	"fmt"
	"slices"
)

// The Prompter methods, as named in an Answer.
const (
	MethodInput       = "Input"
	MethodPassword    = "Password"
	MethodConfirm     = "Confirm"
	MethodSelect      = "Select"
	MethodMultiSelect = "MultiSelect"
)

// Answer is one scripted reply: the Prompter method it is for, and the value
// to return (string for Input and Password, bool for Confirm, int for Select,
// []int for MultiSelect). A Value that is an error is returned as the
// prompt's error, to script a cancellation or a failure.
type Answer struct {
	Method string
	Value  any
}

// AnswerInput replies text to an Input; "" stands for pressing Enter and
// gives the prompt's default.
func AnswerInput(text string) Answer { return Answer{Method: MethodInput, Value: text} }

// AnswerPassword replies secret to a Password.
func AnswerPassword(secret string) Answer { return Answer{Method: MethodPassword, Value: secret} }

// AnswerConfirm replies yes or no to a Confirm.
func AnswerConfirm(yes bool) Answer { return Answer{Method: MethodConfirm, Value: yes} }

// AnswerSelect chooses the option at index in a Select.
func AnswerSelect(index int) Answer { return Answer{Method: MethodSelect, Value: index} }

// AnswerMultiSelect checks the options at indices in a MultiSelect.
func AnswerMultiSelect(indices ...int) Answer {
	return Answer{Method: MethodMultiSelect, Value: append([]int{}, indices...)}
}

// AnswerInterrupt makes the prompt of the given method fail with ErrInterrupted, as when the
// user presses Ctrl-C.
func AnswerInterrupt(method string) Answer { return Answer{Method: method, Value: ErrInterrupted} }

// AnswerBack makes the prompt of the given method fail with ErrBack, as when the user presses
// Esc.
func AnswerBack(method string) Answer { return Answer{Method: method, Value: ErrBack} }

// AnswerCancel makes the prompt of the given method fail with ErrCancelled,
// as when the user presses Ctrl-C.
func AnswerCancel(method string) Answer { return Answer{Method: method, Value: ErrCancelled} }

// Scripted is a Prompter for tests. It replies with its answers in order and
// records every message it was asked. A question it did not expect (wrong
// method, wrong value type, index out of range, no answer left) returns an
// error that names the prompt, so that a test fails on the line that matters
// rather than hanging on a terminal that is not there.
//
// Scripted is not safe for concurrent use; neither is a real terminal.
type Scripted struct {
	answers []Answer
	asked   []string
}

// NewScripted returns a Prompter that replies with answers, in order.
func NewScripted(answers ...Answer) *Scripted {
	return &Scripted{answers: slices.Clone(answers)}
}

// Asked returns the messages of the prompts shown so far, unexpected ones
// included, so that tests can check what the user would have seen.
func (s *Scripted) Asked() []string { return slices.Clone(s.asked) }

// Remaining returns how many answers were not used; tests usually expect 0,
// since a leftover answer means a question was skipped.
func (s *Scripted) Remaining() int { return len(s.answers) }

// next records the question and consumes the answer for it. An answer for
// another method is left in place, so Remaining still counts it.
func (s *Scripted) next(method, message string) (any, error) {
	s.asked = append(s.asked, message)
	if len(s.answers) == 0 {
		return nil, fmt.Errorf("unexpected prompt %s(%q): no scripted answer left", method, message)
	}
	a := s.answers[0]
	if a.Method != method {
		return nil, fmt.Errorf("unexpected prompt %s(%q): next scripted answer is for %s", method, message, a.Method)
	}
	s.answers = s.answers[1:]
	if err, ok := a.Value.(error); ok {
		return nil, err
	}
	return a.Value, nil
}

// value checks that a scripted value has the type its method returns.
func value[V any](s *Scripted, method, message string) (V, error) {
	var zero V
	raw, err := s.next(method, message)
	if err != nil {
		return zero, err
	}
	v, ok := raw.(V)
	if !ok {
		return zero, fmt.Errorf("prompt %s(%q): scripted answer is %T, want %T", method, message, raw, zero)
	}
	return v, nil
}

// Input returns the scripted text, or defaultValue for an empty answer.
func (s *Scripted) Input(message, defaultValue string) (string, error) {
	v, err := value[string](s, MethodInput, message)
	if err == nil && v == "" {
		v = defaultValue
	}
	return v, err
}

// Password returns the scripted secret.
func (s *Scripted) Password(message string) (string, error) {
	return value[string](s, MethodPassword, message)
}

// Confirm returns the scripted yes or no.
func (s *Scripted) Confirm(message string, _ bool) (bool, error) {
	return value[bool](s, MethodConfirm, message)
}

// Select returns the scripted index, which must be one of options.
func (s *Scripted) Select(message string, options []string, _ int) (int, error) {
	i, err := value[int](s, MethodSelect, message)
	if err != nil {
		return 0, err
	}
	if i < 0 || i >= len(options) {
		return 0, fmt.Errorf("prompt %s(%q): scripted index %d is out of range (%d options)", MethodSelect, message, i, len(options))
	}
	return i, nil
}

// MultiSelect returns the scripted indices, sorted, which must all be
// indices of options.
func (s *Scripted) MultiSelect(message string, options []string, _ []int) ([]int, error) {
	indices, err := value[[]int](s, MethodMultiSelect, message)
	if err != nil {
		return nil, err
	}
	for _, i := range indices {
		if i < 0 || i >= len(options) {
			return nil, fmt.Errorf("prompt %s(%q): scripted index %d is out of range (%d options)", MethodMultiSelect, message, i, len(options))
		}
	}
	indices = slices.Clone(indices)
	slices.Sort(indices)
	return indices, nil
}

package prompt

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var _ Prompter = (*Scripted)(nil)

func colors() []string { return []string{"rouge", "vert", "bleu"} }

// ask runs one prompt of the given method against p and returns its result.
func ask(p Prompter, method string) (any, error) {
	switch method {
	case MethodInput:
		return p.Input("Nom ?", "Dupont")
	case MethodPassword:
		return p.Password("Mot de passe ?")
	case MethodConfirm:
		return p.Confirm("Continuer ?", true)
	case MethodSelect:
		return p.Select("Couleur ?", colors(), 0)
	case MethodMultiSelect:
		return p.MultiSelect("Couleurs ?", colors(), nil)
	}
	panic("unknown method " + method)
}

func TestScriptedAnswers(t *testing.T) {
	tests := []struct {
		name    string
		answer  Answer
		method  string
		want    any
		wantErr string
	}{
		{name: "input", answer: AnswerInput("Martin"), method: MethodInput, want: "Martin"},
		{name: "input empty gives default", answer: AnswerInput(""), method: MethodInput, want: "Dupont"},
		{name: "password", answer: AnswerPassword("s3cret"), method: MethodPassword, want: "s3cret"},
		{name: "confirm yes", answer: AnswerConfirm(true), method: MethodConfirm, want: true},
		{name: "confirm no", answer: AnswerConfirm(false), method: MethodConfirm, want: false},
		{name: "select", answer: AnswerSelect(2), method: MethodSelect, want: 2},
		{name: "multiselect sorted", answer: AnswerMultiSelect(2, 0), method: MethodMultiSelect, want: []int{0, 2}},
		{name: "multiselect none", answer: AnswerMultiSelect(), method: MethodMultiSelect, want: []int{}},
		{name: "struct literal", answer: Answer{Method: MethodInput, Value: "x"}, method: MethodInput, want: "x"},
		{name: "wrong method", answer: AnswerConfirm(true), method: MethodInput,
			wantErr: `unexpected prompt Input("Nom ?"): next scripted answer is for Confirm`},
		{name: "wrong value type", answer: Answer{Method: MethodConfirm, Value: "yes"}, method: MethodConfirm,
			wantErr: `prompt Confirm("Continuer ?"): scripted answer is string, want bool`},
		{name: "select out of range", answer: AnswerSelect(3), method: MethodSelect,
			wantErr: `prompt Select("Couleur ?"): scripted index 3 is out of range (3 options)`},
		{name: "select negative", answer: AnswerSelect(-1), method: MethodSelect,
			wantErr: `prompt Select("Couleur ?"): scripted index -1 is out of range (3 options)`},
		{name: "multiselect out of range", answer: AnswerMultiSelect(0, 7), method: MethodMultiSelect,
			wantErr: `prompt MultiSelect("Couleurs ?"): scripted index 7 is out of range (3 options)`},
		{name: "cancel", answer: AnswerCancel(MethodConfirm), method: MethodConfirm, wantErr: "cancelled"},
		{name: "scripted failure", answer: Answer{Method: MethodInput, Value: errors.New("tty lost")}, method: MethodInput,
			wantErr: "tty lost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScripted(tt.answer)
			got, err := ask(s, tt.method)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if s.Remaining() != 0 {
				t.Errorf("Remaining() = %d, want 0", s.Remaining())
			}
		})
	}
}

func TestScriptedCancelIsErrCancelled(t *testing.T) {
	s := NewScripted(AnswerCancel(MethodSelect))
	if _, err := s.Select("Profil ?", colors(), 0); !errors.Is(err, ErrCancelled) {
		t.Errorf("error = %v, want ErrCancelled", err)
	}
}

func TestScriptedSequence(t *testing.T) {
	s := NewScripted(
		AnswerInput("Martin"),
		AnswerSelect(1),
		AnswerConfirm(true),
	)
	if name, err := s.Input("Nom ?", ""); err != nil || name != "Martin" {
		t.Fatalf("Input = %q, %v", name, err)
	}
	if s.Remaining() != 2 {
		t.Errorf("Remaining() = %d after one answer, want 2", s.Remaining())
	}
	if i, err := s.Select("Couleur ?", colors(), 0); err != nil || i != 1 {
		t.Fatalf("Select = %d, %v", i, err)
	}
	if ok, err := s.Confirm("Créer la demande ?", false); err != nil || !ok {
		t.Fatalf("Confirm = %v, %v", ok, err)
	}

	// Running out of answers fails clearly and still records the question.
	_, err := s.Password("Mot de passe ?")
	if err == nil || !strings.Contains(err.Error(), `Password("Mot de passe ?"): no scripted answer left`) {
		t.Errorf("error = %v", err)
	}
	want := []string{"Nom ?", "Couleur ?", "Créer la demande ?", "Mot de passe ?"}
	if got := s.Asked(); !reflect.DeepEqual(got, want) {
		t.Errorf("Asked() = %q, want %q", got, want)
	}
	if s.Remaining() != 0 {
		t.Errorf("Remaining() = %d, want 0", s.Remaining())
	}
}

func TestScriptedMismatchKeepsAnswer(t *testing.T) {
	s := NewScripted(AnswerConfirm(true))
	if _, err := s.Input("Nom ?", ""); err == nil {
		t.Fatal("Input accepted a Confirm answer")
	}
	if s.Remaining() != 1 {
		t.Errorf("Remaining() = %d, want the unused answer still counted", s.Remaining())
	}
	if ok, err := s.Confirm("Continuer ?", false); err != nil || !ok {
		t.Errorf("Confirm = %v, %v", ok, err)
	}
	if got, want := s.Asked(), []string{"Nom ?", "Continuer ?"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Asked() = %q, want %q", got, want)
	}
}

func TestScriptedIsolation(t *testing.T) {
	answers := []Answer{AnswerMultiSelect(2, 1)}
	s := NewScripted(answers...)
	answers[0] = AnswerConfirm(false) // the caller's slice is copied

	got, err := s.MultiSelect("Couleurs ?", colors(), nil)
	if err != nil || !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("MultiSelect = %v, %v", got, err)
	}
	got[0] = 99 // the result is the caller's to keep
	asked := s.Asked()
	asked[0] = "changed"
	if s.Asked()[0] != "Couleurs ?" {
		t.Error("Asked() exposes internal state")
	}
}

func TestNewSurvey(t *testing.T) {
	var p Prompter = NewSurvey(nil, nil)
	tests := []struct {
		name string
		call func() error
	}{
		{"select without options", func() error { _, err := p.Select("Couleur ?", nil, 0); return err }},
		{"multiselect without options", func() error { _, err := p.MultiSelect("Couleurs ?", nil, nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || !strings.Contains(err.Error(), "no options") {
				t.Errorf("error = %v, want one about missing options", err)
			}
		})
	}
}

func TestParseYesNo(t *testing.T) {
	for _, tt := range []struct {
		in      string
		def     bool
		yes, ok bool
	}{
		{"o", false, true, true}, {"Oui", false, true, true}, {"y", false, true, true}, {"YES", false, true, true},
		{"n", true, false, true}, {"non", true, false, true}, {"No", true, false, true},
		{"", true, true, true}, {"  ", false, false, true},
		{"peut-être", false, false, false}, {"ouii", true, false, false},
	} {
		yes, ok := ParseYesNo(tt.in, tt.def)
		if yes != tt.yes || ok != tt.ok {
			t.Errorf("ParseYesNo(%q, %v) = %v, %v; want %v, %v", tt.in, tt.def, yes, ok, tt.yes, tt.ok)
		}
	}
}

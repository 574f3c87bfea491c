package service

import (
	"encoding/json"

	"github.com/profil-cli/profil/internal/domain"
)

// The results that hold an error carry it in JSON (the HTTP API of `profil serve`) as its
// kind and message, and come back as an error that unwraps to the same sentinel.

type decisionJSON struct {
	ID      int64
	Outcome Outcome
	Err     *domain.KindError `json:",omitempty"`
}

// MarshalJSON writes the error as its kind and message.
func (d Decision) MarshalJSON() ([]byte, error) {
	return json.Marshal(decisionJSON{ID: d.ID, Outcome: d.Outcome, Err: domain.WireError(d.Err)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (d *Decision) UnmarshalJSON(b []byte) error {
	var j decisionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*d = Decision{ID: j.ID, Outcome: j.Outcome}
	if j.Err != nil {
		d.Err = j.Err
	}
	return nil
}

type lineResultJSON struct {
	Line   int
	Key    string
	Result string
	Err    *LineError `json:",omitempty"`
	// Other is an error that is not a *LineError (none today).
	Other *domain.KindError `json:",omitempty"`
}

// MarshalJSON writes the *LineError as its fields.
func (r LineResult) MarshalJSON() ([]byte, error) {
	j := lineResultJSON{Line: r.Line, Key: r.Key, Result: r.Result}
	if r.Err != nil {
		if le, ok := r.Err.(*LineError); ok {
			j.Err = le
		} else {
			j.Other = domain.WireError(r.Err)
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (r *LineResult) UnmarshalJSON(b []byte) error {
	var j lineResultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = LineResult{Line: j.Line, Key: j.Key, Result: j.Result}
	switch {
	case j.Err != nil:
		r.Err = j.Err
	case j.Other != nil:
		r.Err = j.Other
	}
	return nil
}

package domain

import (
	"testing"
	"time"
)

func TestActivation(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	end := now.Add(time.Hour)
	live := Request{Status: StatusUnverified, ActivationHash: "h", ActivationExpiresAt: &end}
	if !live.CheckActivation("h", now) {
		t.Error("the live code does not activate")
	}
	for name, r := range map[string]Request{
		"wrong code": live,
		"expired":    func() Request { r := live; e := now; r.ActivationExpiresAt = &e; return r }(),
		"no code":    func() Request { r := live; r.ActivationHash = ""; return r }(),
		"pending":    func() Request { r := live; r.Status = StatusPending; return r }(),
		"too many":   func() Request { r := live; r.ActivationTries = ActivationMaxTries; return r }(),
	} {
		code := "h"
		if name == "wrong code" {
			code = "x"
		}
		if r.CheckActivation(code, now) {
			t.Errorf("%s: activates", name)
		}
	}
	// The fifth wrong try voids the code: the right one no longer works.
	r := live
	for range ActivationMaxTries - 1 {
		r.FailActivation()
	}
	if !r.CheckActivation("h", now) {
		t.Error("4 wrong tries voided the code")
	}
	r.FailActivation()
	if r.CheckActivation("h", now) || r.ActivationHash != "" {
		t.Error("5 wrong tries left the code live")
	}
	// One code mail per 15 minutes.
	sent := now.Add(-14 * time.Minute)
	r = Request{ActivationMailAt: &sent}
	if r.CanMailActivation(now) {
		t.Error("a second mail within 15 min")
	}
	if !r.CanMailActivation(now.Add(time.Minute)) || !(Request{}).CanMailActivation(now) {
		t.Error("no mail after 15 min")
	}
}

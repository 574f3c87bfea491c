package domain

import (
	"crypto/subtle"
	"time"
)

// Rules of e-mail activation: a request made while the portal asks for it waits, unverified,
// until its requester types the code mailed to them.
const (
	// ActivationMaxTries is how many wrong codes void the live one.
	ActivationMaxTries = 5
	// ActivationMailInterval is the least time between two code mails for one request.
	ActivationMailInterval = TemporaryMailInterval
	// ActivationCodeLength is the length of a code, without its separator.
	ActivationCodeLength = 10
)

// CanMailActivation says whether a new code may be mailed for r at now: one mail per request
// per ActivationMailInterval.
func (r Request) CanMailActivation(now time.Time) bool {
	return r.ActivationMailAt == nil || !now.Before(r.ActivationMailAt.Add(ActivationMailInterval))
}

// CheckActivation compares the hash of the code typed with the live one, in constant time. It
// returns whether the code activates the request; a request not unverified, without a live
// code, past its code's end or after ActivationMaxTries wrong tries never matches.
func (r Request) CheckActivation(codeHash string, now time.Time) bool {
	if r.Status != StatusUnverified || r.ActivationHash == "" || r.ActivationTries >= ActivationMaxTries {
		return false
	}
	if r.ActivationExpiresAt == nil || !now.Before(*r.ActivationExpiresAt) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(codeHash), []byte(r.ActivationHash)) == 1
}

// FailActivation counts a wrong code; the fifth voids the live code.
func (r *Request) FailActivation() {
	r.ActivationTries++
	if r.ActivationTries >= ActivationMaxTries {
		r.ActivationHash, r.ActivationExpiresAt = "", nil
	}
}

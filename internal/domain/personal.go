package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Personal data (RGPD articles 15 and 17): what profil holds on a person, how long, and the
// pseudonym an erased account keeps.

// PseudonymPrefix starts the pseudonym of an erased account: erased-<id>. It is not an e-mail
// address, so no mail can be addressed to it, and it is unique as the id is.
const PseudonymPrefix = "erased-"

// Pseudonym is what an erased account is called from then on, in its row and in the audit trail.
func Pseudonym(userID int64) string { return PseudonymPrefix + strconv.FormatInt(userID, 10) }

// PseudonymID returns the account id of a pseudonym ("erased-12" → 12), ok false for anything
// else.
func PseudonymID(s string) (int64, bool) {
	rest, found := strings.CutPrefix(strings.ToLower(strings.TrimSpace(s)), PseudonymPrefix)
	if !found || rest == "" {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return 0, false
	}
	return id, true
}

// IsPseudonym reports whether an address is the pseudonym of an erased account: nothing is ever
// sent to it.
func IsPseudonym(addr string) bool {
	_, ok := PseudonymID(addr)
	return ok
}

// CanReadPersonalData: the person about themself, or a gestionnaire. Not the référent: an
// access request is the person's own right.
func CanReadPersonalData(a Actor, target int64) error {
	return Authorize(a, UserData, Subject{TargetUser: target})
}

// CanErase applies the rules of an erasure on top of the policy (gestionnaires): nobody erases
// their own account (another gestionnaire does, so that someone answers for it), an account is
// erased once, a référent hands the role over first (referentOf names their structures), and
// the last active gestionnaire stays.
func CanErase(a Actor, u User, activeManagers int, referentOf []string) error {
	if err := Authorize(a, UserErase, Subject{TargetUser: u.ID}); err != nil {
		return err
	}
	if a.UserID == u.ID {
		return Errorf(ErrForbidden, "erase.self")
	}
	if u.ErasedAt != nil {
		return Errorf(ErrConflict, "erase.already", u.Email, u.ErasedAt.UTC())
	}
	if len(referentOf) > 0 {
		return Errorf(ErrConflict, "erase.referent", u.Email, strings.Join(referentOf, ", "))
	}
	if u.Manager && u.Status == UserActive && activeManagers <= 1 {
		return Errorf(ErrConflict, "erase.last_manager", u.Email)
	}
	return nil
}

// Retention is how long something is kept: Forever, or a number of days, months or years.
type Retention struct {
	N    int
	Unit byte // 'd', 'm' or 'y'; 0 for forever
}

// Forever keeps everything: the default.
var Forever = Retention{}

// The portal settings of retention: how long audit events and decided requests are kept.
const (
	SettingRetentionAudit    = "retention.audit"
	SettingRetentionRequests = "retention.requests"
)

// DefaultRetention is the retention of audit events and decided requests when the portal sets
// none: forever.
const DefaultRetention = "forever"

// IsForever reports whether nothing is ever removed.
func (r Retention) IsForever() bool { return r.Unit == 0 }

// String is the retention as written in settings: "forever", "400d", "18m", "5y".
func (r Retention) String() string {
	if r.IsForever() {
		return "forever"
	}
	return fmt.Sprintf("%d%c", r.N, r.Unit)
}

// Cutoff is the oldest moment still kept at now: what is older goes. The zero time for forever.
func (r Retention) Cutoff(now time.Time) time.Time {
	switch r.Unit {
	case 'd':
		return now.AddDate(0, 0, -r.N)
	case 'm':
		return now.AddDate(0, -r.N, 0)
	case 'y':
		return now.AddDate(-r.N, 0, 0)
	}
	return time.Time{}
}

// retentionSetting checks the value of a retention setting and returns it as stored ("5y").
func retentionSetting(key string) func(string) (string, error) {
	return func(v string) (string, error) {
		r, err := ParseRetention(key, v)
		return r.String(), err
	}
}

// ParseRetention reads a retention: "forever", or a whole number of days, months or years
// ("400d", "18m", "5y"), at least one day. field names the setting in the message.
func ParseRetention(field, s string) (Retention, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" || v == "forever" {
		return Forever, nil
	}
	unit := v[len(v)-1]
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n <= 0 || n > 1000*366 || (unit != 'd' && unit != 'm' && unit != 'y') {
		return Forever, Invalid(field, s, "retention.invalid")
	}
	if (unit == 'm' && n > 12000) || (unit == 'y' && n > 1000) {
		return Forever, Invalid(field, s, "retention.invalid")
	}
	return Retention{N: n, Unit: unit}, nil
}

// MembershipRecord is one membership of a person, active or ended, with its structure's name.
type MembershipRecord struct {
	Membership
	SIRET         string
	StructureName string
}

// GrantRecord is one profile granted on a membership, revoked or not, and by whom.
type GrantRecord struct {
	MembershipID  int64
	StructureID   int64
	StructureName string
	Profile       string
	GrantedAt     time.Time
	GrantedBy     string // e-mail of who granted it; empty when automatic or imported
	RevokedAt     *time.Time
	RevokedBy     string
}

package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// ProofPolicy says whether a structure request must join a proof of legal existence.
type ProofPolicy string

// Proof policies (setting registration.proof).
const (
	ProofOff      ProofPolicy = "off"      // no proof is asked; one may still be joined
	ProofOptional ProofPolicy = "optional" // a proof may be joined
	ProofRequired ProofPolicy = "required" // a structure request without a proof is refused
)

// ParseProofPolicy reads a registration.proof value.
func ParseProofPolicy(s string) (ProofPolicy, error) {
	switch p := ProofPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case ProofOff, ProofOptional, ProofRequired:
		return p, nil
	}
	return "", Invalid("registration.proof", s, "entity.proof_policy_invalid")
}

// RegistrationSettings are the portal's choices about requests: whether a new request waits
// for its e-mail to be confirmed, whether a structure request needs a proof, how long an
// activation code lives, and the word messages use for the référent.
type RegistrationSettings struct {
	Activation    bool
	Proof         ProofPolicy
	ActivationTTL time.Duration
	ReferentLabel string
}

// Defaults of the registration settings.
const (
	DefaultActivationTTL = 48 * time.Hour
	DefaultReferentLabel = "référent"
)

// DefaultRegistrationSettings are the settings of a portal that chose nothing: no activation,
// no proof, codes valid 48 h, "référent".
func DefaultRegistrationSettings() RegistrationSettings {
	return RegistrationSettings{Proof: ProofOff, ActivationTTL: DefaultActivationTTL, ReferentLabel: DefaultReferentLabel}
}

// DocumentKind is what a document joined to a request proves.
type DocumentKind string

// Document kinds.
const (
	DocumentProof   DocumentKind = "proof"   // Kbis, Journal officiel notice, decree
	DocumentMandate DocumentKind = "mandate" // mandate delegation naming the applicant
)

// MaxDocumentSize is the largest document a request takes.
const MaxDocumentSize = 10 << 20

// Content types of the documents a request takes, recognised from their first bytes.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// Document is a file joined to a request. It is kept as bytes and never opened or rendered.
type Document struct {
	ID          int64
	RequestID   int64
	Kind        DocumentKind
	Name        string // the original file name, as given (printed escaped)
	ContentType string
	Size        int64
	SHA256      string
	Content     []byte // empty when listed
	CreatedAt   time.Time
}

// SniffDocument recognises a PDF, PNG or JPEG file by its first bytes; "" for anything else.
// The name of the file plays no part.
func SniffDocument(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	}
	return ""
}

// NewDocument checks a file read for a request: data is what was read, at most one byte over
// MaxDocumentSize (the caller reads through a limit, so a larger file is never held whole).
// field names the flag in messages; name is the file's base name.
func NewDocument(field string, kind DocumentKind, name string, data []byte) (Document, error) {
	if len(data) > MaxDocumentSize {
		return Document{}, Invalid(field, name, "document.too_large", MaxDocumentSize>>20)
	}
	if len(data) == 0 {
		return Document{}, Invalid(field, name, "document.empty")
	}
	ct := SniffDocument(data)
	if ct == "" {
		return Document{}, Invalid(field, name, "document.type")
	}
	// A file name is one line: a line break or a tab in it could fake lines of the cards it
	// is printed in.
	if !utf8.ValidString(name) || strings.TrimSpace(name) == "" || len(name) > 255 || strings.ContainsAny(name, "\n\r\t") {
		return Document{}, Invalid(field, "", "document.name")
	}
	if err := CheckText(field, name); err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(data)
	return Document{Kind: kind, Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Content: data}, nil
}

// MandateMaxAge is how old a mandate may be: less than 3 months, when filed and when approved.
const MandateMaxAgeMonths = 3

// CheckMandateDate accepts a mandate dated today or in the past, less than 3 months before now
// (dates are days: a mandate dated 6 January is valid until 5 April included).
func CheckMandateDate(date, now time.Time) error {
	d := day(date)
	today := day(now)
	if d.After(today) {
		return Invalid("mandate-date", d.Format(time.DateOnly), "document.mandate_future")
	}
	if !today.Before(d.AddDate(0, MandateMaxAgeMonths, 0)) {
		return Invalid("mandate-date", d.Format(time.DateOnly), "document.mandate_old", MandateMaxAgeMonths)
	}
	return nil
}

// ParseMandateDate reads a --mandate-date value, YYYY-MM-DD.
func ParseMandateDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, Invalid("mandate-date", s, "document.mandate_date_format")
	}
	return t, nil
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// EntityDocuments is what a structure request joins, as the rules see it.
type EntityDocuments struct {
	Proof        bool
	Mandate      bool
	MandateDate  *time.Time
	NamedOnProof bool // the applicant's name is on the proof
	Ministry     bool
	PublicBody   bool
}

// CheckEntityDocuments applies guide 004 to a structure request at filing time: a proof when
// the portal requires one; a mandate, dated less than 3 months ago and not in the future, when
// the applicant is not named on the proof, and always for ministries and public bodies.
// Without the proof rule (off) a mandate is asked only of ministries and public bodies, or when
// a proof is joined that does not name the applicant.
func CheckEntityDocuments(policy ProofPolicy, d EntityDocuments, now time.Time) error {
	if d.Mandate != (d.MandateDate != nil) {
		if d.Mandate {
			return Invalid("mandate-date", "", "document.mandate_date_required")
		}
		return Invalid("mandate", "", "document.mandate_date_alone")
	}
	if policy == ProofRequired && !d.Proof {
		return Invalid("proof", "", "document.proof_required")
	}
	if !d.Proof && d.NamedOnProof {
		return Invalid("named-on-proof", "", "document.named_without_proof")
	}
	needMandate := d.Ministry || d.PublicBody || (d.Proof && !d.NamedOnProof) || (policy == ProofRequired && !d.NamedOnProof)
	if needMandate && !d.Mandate {
		if d.Ministry || d.PublicBody {
			return Invalid("mandate", "", "document.mandate_public")
		}
		return Invalid("mandate", "", "document.mandate_required")
	}
	if d.MandateDate != nil {
		return CheckMandateDate(*d.MandateDate, now)
	}
	return nil
}

// CheckMandateStillValid is the rule at approval: a mandate filed with a request must still be
// less than 3 months old when the request is approved.
func CheckMandateStillValid(date *time.Time, now time.Time) error {
	if date == nil {
		return nil
	}
	if !day(now).Before(day(*date).AddDate(0, MandateMaxAgeMonths, 0)) {
		return Errorf(ErrConflict, "document.mandate_expired", day(*date).Format(time.DateOnly), MandateMaxAgeMonths)
	}
	return nil
}

// MandateAge is how many days old a mandate is at now.
func MandateAge(date, now time.Time) int { return int(day(now).Sub(day(date)).Hours() / 24) }

// Keys of the registration settings (`profil settings`).
const (
	SettingRegistrationActivation = "registration.activation"
	SettingRegistrationProof      = "registration.proof"
	SettingActivationTTL          = "activation.ttl"
	SettingReferentLabel          = "referent.label"
)

// The registration settings are entries of the portal settings' registry (`profil settings`).
func init() {
	Settings = append(Settings,
		SettingDef{Key: SettingRegistrationActivation, Default: "off", Choices: []string{"on", "off"}, Help: "settings.help.registration_activation"},
		SettingDef{Key: SettingRegistrationProof, Default: string(ProofOff), Choices: []string{string(ProofOff), string(ProofOptional), string(ProofRequired)},
			Help: "settings.help.registration_proof"},
		SettingDef{Key: SettingActivationTTL, Default: "48h", Help: "settings.help.activation_ttl", Parse: func(v string) (string, error) {
			if _, err := ParseActivationTTL(v); err != nil {
				return "", err
			}
			return strings.ToLower(strings.TrimSpace(v)), nil
		}},
		SettingDef{Key: SettingReferentLabel, Default: DefaultReferentLabel, Help: "settings.help.referent_label", Parse: func(v string) (string, error) {
			label := strings.Join(strings.Fields(v), " ")
			if err := CheckText(SettingReferentLabel, v); err != nil {
				return "", err
			}
			if label == "" || len([]rune(label)) > 40 {
				if len([]rune(label)) > 80 {
					v = "" // not echoed whole
				}
				return "", Invalid(SettingReferentLabel, v, "entity.referent_label_invalid")
			}
			return label, nil
		}},
	)
}

// RegistrationFromSettings reads the registration settings out of the stored portal settings
// (key → value); a key missing or holding a value this version does not accept keeps its
// default.
func RegistrationFromSettings(stored map[string]string) RegistrationSettings {
	rs := DefaultRegistrationSettings()
	if v, ok := stored[SettingRegistrationActivation]; ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on":
			rs.Activation = true
		case "off":
			rs.Activation = false
		}
	}
	if v, ok := stored[SettingRegistrationProof]; ok {
		if p, err := ParseProofPolicy(v); err == nil {
			rs.Proof = p
		}
	}
	if v, ok := stored[SettingActivationTTL]; ok {
		if d, err := ParseActivationTTL(v); err == nil {
			rs.ActivationTTL = d
		}
	}
	if v, ok := stored[SettingReferentLabel]; ok && strings.TrimSpace(v) != "" && CheckText(SettingReferentLabel, v) == nil {
		rs.ReferentLabel = strings.TrimSpace(v)
	}
	return rs
}

// ParseActivationTTL reads an activation.ttl value: a Go duration ("48h", "90m") or a number
// of days ("2d"), from 10 minutes to 30 days.
func ParseActivationTTL(s string) (time.Duration, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(v, "d"); ok {
		var days time.Duration
		days, err = time.ParseDuration(n + "h")
		d = days * 24
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d < 10*time.Minute || d > 30*24*time.Hour {
		return 0, Invalid(SettingActivationTTL, s, "entity.ttl_invalid")
	}
	return d, nil
}

package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The trainee-pay portal's accounts: a trainee registers with the number of their funder's
// case file (or without, when invited), and is matched on their names and birth date.

// Case is one of the funder's case files (dossier, decision of funding), imported by
// gestionnaires. A trainee account claims at most one case, and a case is claimed once.
type Case struct {
	ID        int64
	Number    string
	LastName  string
	FirstName string
	BirthDate string // YYYY-MM-DD
	Email     string // optional: when set, an unattached account is matched on it too
	SIRET     string // optional: the training organisation
	UserID    int64  // the account that claimed it, 0 when unclaimed
	ClaimedAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Identity is the key the case is matched on.
func (c Case) Identity() string { return IdentityKey(c.LastName, c.FirstName, c.BirthDate) }

// IdentityKey is what a registration is compared on: the last and first names folded (accents,
// case, hyphens, apostrophes and spaces aside) and the birth date (YYYY-MM-DD).
func IdentityKey(lastName, firstName, birthDate string) string {
	squash := func(s string) string { return strings.ReplaceAll(Fold(s), " ", "") }
	return squash(lastName) + "|" + squash(firstName) + "|" + birthDate
}

// MatchesCase reports whether what a person typed is the identity of the case. Every
// mismatch reads the same to the person: the caller never says which part differed.
func MatchesCase(c Case, lastName, firstName, birthDate string) bool {
	return c.Identity() == IdentityKey(lastName, firstName, birthDate)
}

// maxCaseNumber bounds the length of a case number.
const maxCaseNumber = 40

// NormalizeCaseNumber reads a case number as printed on a funding decision: letters, digits,
// '-', '/', '.' and '_'; spaces are dropped and letters upper-cased.
func NormalizeCaseNumber(field, s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ':
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r == '-', r == '/', r == '.', r == '_':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(unicode.ToUpper(r))
		default:
			return "", Invalid(field, escapeForMessage(s), "case.number_chars")
		}
	}
	n := b.String()
	switch {
	case n == "":
		return "", Invalid(field, "", "field.required")
	case len(n) > maxCaseNumber:
		return "", Invalid(field, "", "case.number_long", maxCaseNumber)
	}
	return n, nil
}

// escapeForMessage keeps a typed value out of a message when it holds a control character.
func escapeForMessage(s string) string {
	if HasControl(s) || !utf8.ValidString(s) {
		return ""
	}
	return s
}

// ParseBirthDate reads a birth date typed JJ/MM/AAAA (as French forms ask) or YYYY-MM-DD, and
// returns it as YYYY-MM-DD. The date must exist, be in the past, and after 1900.
func ParseBirthDate(field, s string, now time.Time) (string, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return "", Invalid(field, "", "field.required")
	}
	var (
		t   time.Time
		err error
	)
	if strings.Contains(v, "/") {
		t, err = time.Parse("02/01/2006", v)
		if err != nil {
			t, err = time.Parse("2/1/2006", v)
		}
	} else {
		t, err = time.Parse("2006-01-02", v)
	}
	if err != nil {
		return "", Invalid(field, escapeForMessage(v), "birth_date.format")
	}
	if t.Year() < 1900 || !t.Before(now) {
		return "", Invalid(field, escapeForMessage(v), "birth_date.range")
	}
	return t.Format("2006-01-02"), nil
}

// FormatBirthDate writes a stored birth date (YYYY-MM-DD) as French forms do: JJ/MM/AAAA.
func FormatBirthDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// SecretQuestion is the question an account's owner answers to reset a forgotten password.
// Only the argon2id hash of the folded answer is stored.
type SecretQuestion struct {
	UserID     int64
	Question   string
	AnswerHash string `json:"-"` // never sent by the server
	SetAt      time.Time
}

// The bounds of a secret question and its answer.
const (
	maxQuestion  = 200
	minAnswer    = 2
	maxAnswer    = 200
	questionMin  = 5
	ResetLockFor = 15 * time.Minute // how long 5 wrong answers lock a reset
	// MaxResetFailures wrong answers in a row lock the reset of an address.
	MaxResetFailures = 5
)

// CheckSecretQuestion checks a question and its answer as typed, and returns the question
// cleaned (one line, spaces collapsed) and the answer folded, ready to hash.
func CheckSecretQuestion(question, answer string) (string, string, error) {
	if err := CheckTexts("question", question, "answer", answer); err != nil {
		return "", "", err
	}
	q := strings.Join(strings.Fields(question), " ")
	switch n := utf8.RuneCountInString(q); {
	case n < questionMin:
		return "", "", Invalid("question", "", "secret.question_short", questionMin)
	case n > maxQuestion:
		return "", "", Invalid("question", "", "secret.question_long", maxQuestion)
	}
	a := FoldAnswer(answer)
	switch n := utf8.RuneCountInString(a); {
	case n < minAnswer:
		return "", "", Invalid("answer", "", "secret.answer_short", minAnswer)
	case n > maxAnswer:
		return "", "", Invalid("answer", "", "secret.answer_long", maxAnswer)
	}
	if Fold(a) == Fold(q) {
		return "", "", Invalid("answer", "", "secret.answer_is_question")
	}
	return q, a, nil
}

// FoldAnswer is how a secret answer is compared: without regard to case, accents or the
// spaces around it (and runs of spaces inside count as one). "  Chârles " is "charles".
func FoldAnswer(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(norm.NFC.String(b.String())), " ")
}

// ResetLock counts the wrong answers given for one address at `user forgot-password`.
type ResetLock struct {
	Email       string
	Failed      int
	LockedUntil *time.Time
}

// LockedAt reports whether resets for the address are refused at now.
func (l ResetLock) LockedAt(now time.Time) bool {
	return l.LockedUntil != nil && now.Before(*l.LockedUntil)
}

// RecordFailure counts a wrong answer at now and locks the reset at the MaxResetFailures-th
// in a row, for ResetLockFor; it reports whether it locked it.
func (l *ResetLock) RecordFailure(now time.Time) bool {
	if l.LockedUntil != nil && !now.Before(*l.LockedUntil) {
		l.LockedUntil = nil // the last lock has run out: counting starts again
	}
	l.Failed++
	if l.Failed < MaxResetFailures {
		return false
	}
	l.Failed = 0
	until := now.Add(ResetLockFor)
	l.LockedUntil = &until
	return true
}

// TermsVersion is a published version of the terms of use (CGU, RGPD notice). A version is
// never changed once published; the last one published is the current one.
type TermsVersion struct {
	ID          int64
	Version     string
	Body        string
	SHA256      string
	PublishedAt time.Time
	PublishedBy int64
}

// TermsAcceptance is one version of the terms a person accepted.
type TermsAcceptance struct {
	UserID     int64
	Version    string
	AcceptedAt time.Time
}

// maxTermsVersion bounds a version name; maxTermsBody the text of the terms.
const (
	maxTermsVersion = 40
	maxTermsBody    = 512 << 10
)

// CheckTermsVersion checks a version name: letters, digits, '.', '-', '_', at most 40.
func CheckTermsVersion(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", Invalid("version", "", "field.required")
	}
	if len(v) > maxTermsVersion {
		return "", Invalid("version", "", "terms.version_long", maxTermsVersion)
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-' || r == '_') {
			return "", Invalid("version", escapeForMessage(v), "terms.version_chars")
		}
	}
	return v, nil
}

// CheckTermsBody checks the text of the terms: UTF-8 text without control characters (line
// breaks and tabs are text), not empty, at most 512 KiB.
func CheckTermsBody(body string) error {
	if !utf8.ValidString(body) {
		return Invalid("file", "", "text.bad_utf8")
	}
	if strings.TrimSpace(body) == "" {
		return Invalid("file", "", "terms.body_empty")
	}
	if len(body) > maxTermsBody {
		return Invalid("file", "", "terms.body_long", maxTermsBody>>10)
	}
	return CheckText("file", body)
}

// FranceConnectLink ties an account to an identity of FranceConnect, the State's OpenID
// Connect provider: its issuer and subject (sub). A pair belongs to one account.
type FranceConnectLink struct {
	UserID   int64
	Issuer   string
	Sub      string
	LinkedAt time.Time
}

// DefaultFranceConnectIssuer is FranceConnect's production issuer.
const DefaultFranceConnectIssuer = "https://app.franceconnect.gouv.fr"

// CheckFranceConnect checks an issuer (an https URL) and a subject (the opaque identifier
// FranceConnect gives the person: printable ASCII, at most 255).
func CheckFranceConnect(issuer, sub string) (string, string, error) {
	issuer, sub = strings.TrimSpace(issuer), strings.TrimSpace(sub)
	if issuer == "" {
		issuer = DefaultFranceConnectIssuer
	}
	if !strings.HasPrefix(issuer, "https://") || len(issuer) > 255 || strings.ContainsAny(issuer, " \t") || HasControl(issuer) {
		return "", "", Invalid("issuer", escapeForMessage(issuer), "franceconnect.issuer")
	}
	issuer = strings.TrimRight(issuer, "/")
	if sub == "" {
		return "", "", Invalid("sub", "", "field.required")
	}
	if len(sub) > 255 {
		return "", "", Invalid("sub", "", "franceconnect.sub")
	}
	for i := 0; i < len(sub); i++ {
		if sub[i] <= ' ' || sub[i] >= 0x7f {
			return "", "", Invalid("sub", "", "franceconnect.sub")
		}
	}
	return issuer, sub, nil
}

// EmailChange is a new address waiting for the code mailed to it.
type EmailChange struct {
	UserID    int64
	NewEmail  string
	CodeHash  string `json:"-"` // empty until the message is sent; never sent by the server
	ExpiresAt *time.Time
	Tries     int
	CreatedAt time.Time
}

// EmailChangeCodePlaceholder stands in an outbox message for the code it will carry.
const EmailChangeCodePlaceholder = "{{email-change-code}}"

// EmailChangeTTL is how long the code of an e-mail change confirms it; MaxEmailChangeTries
// wrong codes void it.
const (
	EmailChangeTTL      = 24 * time.Hour
	MaxEmailChangeTries = 5
)

// Check reports whether codeHash confirms the change at now.
func (c EmailChange) Check(codeHash string, now time.Time) bool {
	return c.CodeHash != "" && c.ExpiresAt != nil && now.Before(*c.ExpiresAt) && c.Tries < MaxEmailChangeTries && c.CodeHash == codeHash
}

// Trainee is a trainee account as `trainee list` shows it.
type Trainee struct {
	User       User
	CaseNumber string // "" while the account waits for its case
	Terms      string // the last version of the terms the person accepted, "" for none
}

// CheckIdentityFrozen refuses a change of a trainee's names or birth date once their account
// is linked to FranceConnect: the identity is FranceConnect's from then on (exit 5).
func CheckIdentityFrozen(u User, linked bool, changesIdentity bool) error {
	if linked && changesIdentity {
		return Errorf(ErrConflict, "franceconnect.identity_frozen", u.Email)
	}
	return nil
}

// SignInStep is a step of the first sign-in that the actor has not taken yet.
type SignInStep string

// The steps of a first sign-in, in their order.
const (
	StepNone     SignInStep = ""
	StepPassword SignInStep = "password"        // change the temporary password
	StepSecret   SignInStep = "secret-question" // set a secret question (trainees)
	StepTerms    SignInStep = "terms"           // accept the current terms of use (sessions)
)

// PendingStep is the first step of the first sign-in the actor has yet to take, StepNone when
// none. A new version of the terms of use blocks sign-in sessions only: API tokens keep
// working, so that scheduled jobs do not break.
func PendingStep(a Actor) SignInStep {
	switch {
	case a.IsAnonymous():
		return StepNone
	case a.MustChangePassword:
		return StepPassword
	case a.NeedsSecretQuestion:
		return StepSecret
	case a.TermsPending != "" && a.TokenID == 0:
		return StepTerms
	}
	return StepNone
}

// stepActions are the actions each step lets through: the step's own.
var stepActions = map[SignInStep][]Action{
	StepPassword: {UserPassword},
	StepSecret:   {SecretSet},
	StepTerms:    {TermsRead, TermsAccept},
}

// StepAllows reports whether act may run while step is pending.
func StepAllows(step SignInStep, act Action) bool {
	if step == StepNone {
		return true
	}
	for _, x := range stepActions[step] {
		if x == act {
			return true
		}
	}
	return false
}

// StepError is the refusal of anything but the step's own commands: it names the command that
// takes the step (exit 4).
func StepError(a Actor, step SignInStep) error {
	switch step {
	case StepPassword:
		return Errorf(ErrForbidden, "auth.temporary_password")
	case StepSecret:
		return Errorf(ErrForbidden, "auth.secret_question_first")
	case StepTerms:
		return Errorf(ErrForbidden, "auth.terms_first", a.TermsPending)
	}
	return nil
}

// CheckFirstSignIn refuses act while the actor has a first-sign-in step to take that act is
// not part of.
func CheckFirstSignIn(a Actor, act Action) error {
	if step := PendingStep(a); !StepAllows(step, act) {
		return StepError(a, step)
	}
	return nil
}

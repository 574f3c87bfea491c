package domain

import (
	"time"
)

// MailStatus is where a message of the outbox stands.
type MailStatus string

// Mail statuses: pending until a sender claims it, sending while claimed, sent once delivered.
const (
	MailPending MailStatus = "pending"
	MailSending MailStatus = "sending"
	MailSent    MailStatus = "sent"
)

// Mail is a message of the outbox: written in the same transaction as the decision it
// announces, delivered later by `profil mail send`.
type Mail struct {
	ID            int64
	CreatedAt     time.Time
	To            string
	Subject       string
	Body          string
	Status        MailStatus
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	LastError     string
	SentAt        *time.Time
	// Sensitive: the body holds a secret (a temporary password) and is wiped once delivered.
	Sensitive bool
	// SecretFor is the account whose temporary password the message carries (0: none). The
	// body holds TemporaryPasswordPlaceholder instead: the password is generated, and its hash
	// stored, only when the message is sent, and put in the body in memory only.
	SecretFor int64
	// ActivationFor is the request whose activation code the message carries (0: none). The
	// body holds ActivationCodePlaceholder instead: the code is generated, and its hash stored
	// on the request, only when the message is sent.
	ActivationFor int64
	// EmailChangeFor is the account whose new address the message confirms (0: none). The
	// body holds EmailChangeCodePlaceholder instead: the code is generated, and its hash
	// stored, only when the message is sent.
	EmailChangeFor int64
}

// ActivationCodePlaceholder stands in an outbox message for the activation code it will carry.
const ActivationCodePlaceholder = "{{activation-code}}"

// WipedBody replaces the body of a sensitive message once it is delivered; the sender puts it
// in its own language.
var WipedBody = Msg("mail.wiped")

// MailRetryDelay is the back-off after a failed delivery: 1 min, 5 min, 30 min, 2 h, then 6 h.
func MailRetryDelay(attempts int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	if attempts >= 1 && attempts <= len(steps) {
		return steps[attempts-1]
	}
	return 6 * time.Hour
}

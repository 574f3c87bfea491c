package service

import (
	"context"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/mail"
)

// SendMail delivers the due messages of the outbox (DeliverMail) through the SMTP server smtp
// names, on one connection, closed at the end. A failed goodbye once messages were accepted is
// no error of the run: it is told in the report's CloseError.
func (s *Service) SendMail(ctx context.Context, actor domain.Actor, smtp SMTPSettings, batch int) (MailReport, error) {
	report := MailReport{Results: []MailResult{}}
	if err := domain.Authorize(actor, domain.MailSend, domain.Subject{}); err != nil {
		return report, err
	}
	cfg, err := mail.ParseSMTPURL(smtp.URL)
	if err != nil {
		return report, &domain.FieldError{Field: "smtp", Reason: err.Error()}
	}
	sender, err := mail.NewSender(cfg, smtp.From)
	if err != nil {
		return report, &domain.FieldError{Field: "from", Value: smtp.From, Reason: err.Error()}
	}
	report, runErr := s.DeliverMail(ctx, actor, sender.Deliver, batch)
	if err := sender.Close(); err != nil && runErr == nil && report.Sent > 0 {
		report.CloseError = err.Error()
	}
	return report, runErr
}

package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// The messages people receive, in French: they are the portal's users. Each is written to the
// outbox in the transaction of the event it announces.

func enqueue(ctx context.Context, tx store.Tx, to, subject string, lines ...string) error {
	return tx.EnqueueMail(ctx, &domain.Mail{To: to, Subject: subject, Body: body(lines)})
}

func body(lines []string) string {
	return strings.Join(lines, "\n") + "\n\n-- \nCe message vous est envoyé par les comptes services. Merci de ne pas y répondre.\n"
}

func greeting(u domain.User) string {
	if n := u.FullName(); n != "" {
		return "Bonjour " + n + ","
	}
	return "Bonjour,"
}

func mailStructureRequestReceived(ctx context.Context, tx store.Tx, to string, s domain.Structure) error {
	return enqueue(ctx, tx, to, "Demande de référencement reçue : "+s.Name,
		"Bonjour,", "",
		fmt.Sprintf("Votre demande de référencement de la structure « %s » a bien été reçue.", s.Name),
		"Les gestionnaires la traitent sous 24 à 48 h ; vous recevrez leur réponse par mail.")
}

func mailStructureRequestDecided(ctx context.Context, tx store.Tx, to string, s domain.Structure, approved bool, reason string) error {
	if approved {
		return enqueue(ctx, tx, to, "Structure référencée : "+s.Name,
			"Bonjour,", "",
			fmt.Sprintf("La structure « %s » est maintenant enregistrée (%s).", s.Name, s.Label()),
			"Vous pouvez reprendre la création de votre compte utilisateur en la choisissant dans la liste.")
	}
	return enqueue(ctx, tx, to, "Demande de référencement refusée : "+s.Name,
		"Bonjour,", "",
		fmt.Sprintf("Votre demande de référencement de la structure « %s » a été refusée.", s.Name),
		"Motif : "+reason)
}

func mailRequestReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, kind domain.RequestKind) error {
	what := "de création de compte"
	if kind == domain.RequestAffiliation {
		what = "d'affiliation"
	}
	return enqueue(ctx, tx, u.Email, "Demande reçue : "+s.Name,
		greeting(u), "",
		fmt.Sprintf("Votre demande %s pour la structure « %s » a bien été reçue.", what, s.Name),
		"Elle sera validée par le ou la référent·e de la structure, ou par les gestionnaires si elle n'en a pas encore.",
		"Vous serez informé·e de la décision par mail.")
}

func mailRequestWaiting(ctx context.Context, tx store.Tx, to string, r domain.Request, u domain.User, s domain.Structure) error {
	what := "création de compte"
	if r.Kind == domain.RequestAffiliation {
		what = "affiliation"
	}
	return enqueue(ctx, tx, to, fmt.Sprintf("Demande de %s en attente : %s", what, s.Name),
		"Bonjour,", "",
		fmt.Sprintf("%s <%s> demande à rejoindre la structure « %s » (demande n° %d).", u.FullName(), u.Email, s.Name, r.ID),
		fmt.Sprintf("Pour la traiter : profil request approve %d  ou  profil request reject %d --reason \"…\"", r.ID, r.ID))
}

func mailRequestDecided(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, r domain.Request, referent bool) error {
	if r.Status == domain.StatusRejected {
		return enqueue(ctx, tx, u.Email, "Demande refusée : "+s.Name,
			greeting(u), "",
			fmt.Sprintf("Votre demande de rattachement à la structure « %s » a été refusée.", s.Name),
			"Motif : "+r.Reason)
	}
	lines := []string{greeting(u), "",
		fmt.Sprintf("Votre compte est rattaché à la structure « %s ».", s.Name),
		"Votre identifiant est votre adresse mail : " + u.Email}
	if u.PasswordHash == "" {
		lines = append(lines, "À votre première connexion, un mot de passe provisoire vous sera envoyé par mail.")
	}
	if referent {
		lines = append(lines, "", "Vous êtes le ou la référent·e de la structure : vous confirmerez désormais les demandes de compte et attribuerez les droits.")
	}
	return enqueue(ctx, tx, u.Email, "Compte validé : "+s.Name, lines...)
}

func mailReferentReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return enqueue(ctx, tx, u.Email, "Vous êtes référent·e de "+s.Name,
		greeting(u), "",
		fmt.Sprintf("Le rôle de référent·e de la structure « %s » vous a été attribué.", s.Name),
		"Vous confirmez les demandes de compte, attribuez les droits et signalez les changements de la structure.")
}

func mailDetached(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return enqueue(ctx, tx, u.Email, "Fin de rattachement : "+s.Name,
		greeting(u), "",
		fmt.Sprintf("Votre compte n'est plus rattaché à la structure « %s ».", s.Name))
}

func mailPasswordReset(ctx context.Context, tx store.Tx, u domain.User, temp string) error {
	return tx.EnqueueMail(ctx, &domain.Mail{To: u.Email, Subject: "Votre nouveau mot de passe", Sensitive: true, Body: body([]string{
		greeting(u), "",
		"Un mot de passe provisoire a été créé pour votre compte : " + temp,
		"Il vous sera demandé de le changer à la prochaine connexion."})})
}

package setup

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/cli/session"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

// Demo credentials, printed by `profil demo` so a newcomer can sign in again.
const (
	DemoEmail    = "gestionnaire@demo.profil.fr"
	DemoPassword = "demo-profil-2026"
)

// NewCmdDemo builds `profil demo`.
func NewCmdDemo(f *cmdutil.Factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Fill the database with a realistic demo and sign in as its gestionnaire",
		Long: `Fill the database (the default embedded file, or --db) with a demo: structures of
Nouvelle-Aquitaine with and without SIRET, and a gestionnaire you are signed in as. Running it
again signs you in again and changes nothing. It refuses a database that holds other data.

The demo's gestionnaire has a published password: on anything but a SQLite file (a shared
PostgreSQL database) demo refuses to run unless --force is given, and then prepares the
database as it does a file, migrations included.`,
		Example: `  profil demo
  profil structure search "cap metiers"
  profil --db /tmp/essai.db demo
  profil --db postgres://localhost/essai demo --force`,
		Args:        cmdutil.NoArgs,
		Annotations: map[string]string{cmdutil.AnnotationCreatesDatabase: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			return demoRun(cmd.Context(), f, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "run on a database that is not a SQLite file (PostgreSQL): its gestionnaire's password is published")
	return cmd
}

func demoRun(ctx context.Context, f *cmdutil.Factory, force bool) error {
	target, err := f.Target()
	if err != nil {
		return err
	}
	if target.Dialect != sqlstore.SQLite {
		if !force {
			return cmdutil.FlagErrorf("demo.needs_force", target.Redacted())
		}
		// A fresh PostgreSQL database is prepared as a SQLite file is when opened. A database
		// that has a schema already is not upgraded by a demo: that is `profil db migrate`.
		db, err := f.OpenDB(ctx, true)
		if err != nil {
			return err
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		if v == 0 {
			applied, err := db.Migrate(ctx)
			if err != nil {
				return err
			}
			for _, m := range applied {
				f.Say("db.applied", m.Name)
			}
		}
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	created := true
	u, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: DemoEmail, FirstName: "Camille", LastName: "Gestion", Password: DemoPassword})
	if errors.Is(err, domain.ErrConflict) {
		created = false // already a gestionnaire: the demo's, or someone else's (login says which)
	} else if err != nil {
		return err
	}
	token, u, err := svc.Login(ctx, DemoEmail, DemoPassword)
	if err != nil {
		if !created {
			return domain.Errorf(domain.ErrConflict, "demo.not_empty")
		}
		return err
	}
	if created {
		if err := demoData(ctx, svc, domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}); err != nil {
			return i18n.Errorf("demo.failed", err)
		}
	}
	if err := session.Save(f, u.Email, token); err != nil {
		return err
	}
	if created {
		f.Say("demo.ready", target.Redacted())
	} else {
		f.Say("demo.already", target.Redacted())
	}
	f.Say("demo.signed_in", DemoEmail, DemoPassword)
	f.Say("demo.referent", DemoReferentEmail)
	f.Say("demo.try_as", cmdutil.Program(), present.FormatSIRET(demoAFPA))
	if cmdutil.RunByGoRun() {
		f.Say("demo.install")
	}
	return nil
}

func str(s string) *string { return &s }

// DemoReferentEmail is the référente of AFPA Bordeaux Bègles in the demo.
const DemoReferentEmail = "anne.martin@afpa-demo.fr"

var demoAFPA = domain.MakeSIRET("82422814", "0107")

// demoData makes a realistic state: structures, a structure with its référente and members
// with and without rights, one without référent, and a pending request of each kind.
func demoData(ctx context.Context, svc *service.Service, manager domain.Actor) error {
	for _, in := range demoStructures() {
		if _, err := svc.CreateStructure(ctx, manager, in); err != nil {
			return err
		}
	}
	afpa := domain.StructureRef{SIRET: demoAFPA}
	mission := domain.StructureRef{SIRET: domain.MakeSIRET("42831502", "0014")}
	register := func(email, first, last, function, phone, password string, st domain.StructureRef) (domain.Request, error) {
		r, _, err := svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: email, FirstName: first, LastName: last,
			Function: function, Phone: phone, Structure: st, Password: password})
		return r, err
	}
	approve := func(actor domain.Actor, r domain.Request, profiles ...string) error {
		_, err := svc.Decide(ctx, actor, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: profiles})
		return err
	}
	// AFPA: Anne is the first member, so its référente; she approves Paul with rights and
	// Lucie without any yet.
	r, err := register(DemoReferentEmail, "Anne", "Martin", "Responsable de formation", "05 56 12 34 56", DemoPassword, afpa)
	if err != nil {
		return err
	}
	if err := approve(manager, r); err != nil {
		return err
	}
	anne := domain.Actor{UserID: r.UserID, Email: DemoReferentEmail}
	for _, p := range []struct {
		email, first, last, function, phone string
		profiles                            []string
	}{
		{"paul.durand@afpa-demo.fr", "Paul", "Durand", "Formateur", "06 12 34 56 78", []string{"rafael.of-general", "parcourspro.employer"}},
		{"lucie.lefevre@afpa-demo.fr", "Lucie", "Lefèvre", "Assistante administrative", "", nil},
	} {
		r, err := register(p.email, p.first, p.last, p.function, p.phone, "", afpa)
		if err != nil {
			return err
		}
		if err := approve(anne, r, p.profiles...); err != nil {
			return err
		}
	}
	// Mission Locale: Hélène is its référente, with a prescriber level.
	if r, err = register("helene.benard@ml-limoges-demo.fr", "Hélène", "Bénard", "Conseillère en insertion", "05 55 00 11 22", "", mission); err != nil {
		return err
	}
	if err := approve(manager, r, "rafael.prescriber-3"); err != nil {
		return err
	}
	// Pending: an account request Anne decides, one for a structure without référent (the
	// gestionnaires decide), an affiliation, and a structure to reference.
	if _, err := register("julien.petit@afpa-demo.fr", "Julien", "Petit", "Formateur", "", "", afpa); err != nil {
		return err
	}
	if _, err := register("gaelle.moreau@greta-demo.fr", "Gaëlle", "Moreau", "Conseillère formation", "05 59 00 00 00", "", domain.StructureRef{SIRET: domain.MakeSIRET("19640001", "0026")}); err != nil {
		return err
	}
	paul := domain.Actor{UserID: 0, Email: "paul.durand@afpa-demo.fr"}
	if d, err := svc.User(ctx, manager, paul.Email); err == nil {
		paul.UserID = d.User.ID
	} else {
		return err
	}
	if _, err := svc.Affiliate(ctx, paul, domain.StructureRef{SIRET: domain.MakeSIRET("26330004", "0015")}, ""); err != nil {
		return err
	}
	_, err = svc.RequestStructure(ctx, domain.Anonymous, domain.StructureInput{
		SIRET: str(domain.MakeSIRET("50012345", "0018")), Name: str("Maison de l'Emploi du Pays Basque"), Acronym: str("MDE 64"),
		APE: str("84.13Z"), Address: str("15 avenue du 8 Mai 1945"), PostalCode: str("64100"), City: str("Bayonne"),
		Kinds: &[]domain.Kind{domain.KindPrescriber},
	}, "contact@mde-paysbasque-demo.fr")
	return err
}

func demoStructures() []domain.StructureInput {
	kinds := func(k ...domain.Kind) *[]domain.Kind { return &k }
	year := func(y int) *int { return &y }
	yes := true
	return []domain.StructureInput{
		{SIRET: str(domain.MakeSIRET("18330001", "0001")), Name: str("Cap Métiers Nouvelle-Aquitaine"), Acronym: str("CMNA"),
			APE: str("84.13Z"), Address: str("102 avenue de Canéjan"), PostalCode: str("33600"), City: str("Pessac"),
			Kinds: kinds(domain.KindEmployer), AdhesionYear: year(2026)},
		{SIRET: str(domain.MakeSIRET("82422814", "0107")), Name: str("AFPA Bordeaux Bègles"), Acronym: str("AFPA"),
			APE: str("85.59A"), Address: str("Rue Pierre Mendès France"), PostalCode: str("33130"), City: str("Bègles"),
			Kinds: kinds(domain.KindTrainingOrg, domain.KindEmployer), AdhesionYear: year(2026)},
		{SIRET: str(domain.MakeSIRET("19640001", "0026")), Name: str("GRETA Sud Aquitaine"), Acronym: str("GRETA SA"),
			APE: str("85.59A"), Address: str("2 rue Lormand"), PostalCode: str("64100"), City: str("Bayonne"),
			Kinds: kinds(domain.KindTrainingOrg)},
		{SIRET: str(domain.MakeSIRET("42831502", "0014")), Name: str("Mission Locale de Limoges"), Acronym: str("MLL"),
			APE: str("88.99B"), Address: str("11 rue Jean Jaurès"), PostalCode: str("87000"), City: str("Limoges"),
			Kinds: kinds(domain.KindPrescriber)},
		{SIRET: str(domain.MakeSIRET("13000548", "0190")), Name: str("France Travail Poitiers Couronneries"),
			APE: str("84.13Z"), Address: str("9 rue des Frères Lumière"), PostalCode: str("86000"), City: str("Poitiers"),
			Kinds: kinds(domain.KindPrescriber)},
		{SIRET: str(domain.MakeSIRET("26330004", "0015")), Name: str("Centre Hospitalier Universitaire de Bordeaux"), Acronym: str("CHU Bordeaux"),
			APE: str("86.10Z"), Address: str("12 rue Dubernat"), PostalCode: str("33400"), City: str("Talence"),
			Kinds: kinds(domain.KindEmployer), AdhesionYear: year(2025)},
		{SIRET: str(domain.MakeSIRET("18190001", "0030")), Name: str("Chambre de Métiers et de l'Artisanat de la Corrèze"), Acronym: str("CMA 19"),
			APE: str("94.11Z"), Address: str("8 avenue Alfred de Musset"), PostalCode: str("19000"), City: str("Tulle"),
			Kinds: kinds(domain.KindTrainingOrg, domain.KindPrescriber)},
		{SIRET: str(domain.MakeSIRET("77567891", "0021")), Name: str("Œuvre d'Éducation Populaire du Périgord"), Acronym: str("OEPP"),
			APE: str("85.59B"), Address: str("3 place Francheville"), PostalCode: str("24000"), City: str("Périgueux"),
			Kinds: kinds(domain.KindTrainingOrg, domain.KindEmployer)},
		{Name: str("Ministère du Travail, du Plein emploi et de l'Insertion"), Acronym: str("DGEFP"),
			Address: str("127 rue de Grenelle"), PostalCode: str("75007"), City: str("Paris"), Ministry: &yes},
		{Name: str("Association Les Compagnons du Devoir d'Ajaccio"), Address: str("Route de Mezzavia"),
			PostalCode: str("20090"), City: str("Ajaccio"), Kinds: kinds(domain.KindTrainingOrg)},
	}
}

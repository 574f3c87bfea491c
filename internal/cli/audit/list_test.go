package audit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	adminEmail = "jeanne.durand@cap-metiers.fr"
	password   = "correct horse battery staple"
	claire     = "claire.martin@horizons.fr"
	paul       = "paul.leroy@horizons.fr"
)

type event struct {
	ID          int64          `json:"id"`
	At          string         `json:"at"`
	Actor       string         `json:"actor"`
	Action      string         `json:"action"`
	StructureID *int64         `json:"structure_id"`
	Target      string         `json:"target"`
	Details     map[string]any `json:"details"`
}

func TestAuditList(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.Must(t, env, "init")
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svc := service.New(db)
		tokens := map[string]string{}
		signIn := func(email string) domain.Actor {
			token, _, err := svc.Login(ctx, email, password)
			if err != nil {
				t.Fatal(err)
			}
			tokens[email] = token
			a, err := svc.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		run := func(email string, args ...string) clitest.Result {
			t.Helper()
			if email != "" {
				args = append([]string{"--token", tokens[email]}, args...)
			}
			return clitest.Run(t, env, args...)
		}
		list := func(email string, args ...string) []event {
			t.Helper()
			r := run(email, append([]string{"audit", "list", "-o", "json"}, args...)...).Want(t, cmdutil.ExitOK)
			var es []event
			if err := json.Unmarshal([]byte(r.Stdout), &es); err != nil {
				t.Fatalf("%v\n%s", err, r)
			}
			return es
		}

		// A gestionnaire, two structures, claire référent of the first, paul asking to join it.
		if _, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: adminEmail, FirstName: "Jeanne", LastName: "Durand", Password: password}); err != nil {
			t.Fatal(err)
		}
		admin := signIn(adminEmail)
		var structures []domain.Structure
		for _, s := range []struct{ name, siret string }{{"Horizons Emploi", domain.MakeSIRET("44306184", "0004")}, {"GRETA Sud", domain.MakeSIRET("19640001", "0026")}} {
			postal := "33000"
			st, err := svc.CreateStructure(ctx, admin, domain.StructureInput{Name: &s.name, SIRET: &s.siret, PostalCode: &postal})
			if err != nil {
				t.Fatal(err)
			}
			structures = append(structures, st)
		}
		join := func(email string) int64 {
			r, _, err := svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: email, FirstName: "X", LastName: "Test",
				Structure: domain.StructureRef{ID: structures[0].ID}, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		if _, err := svc.Decide(ctx, admin, join(claire), service.DecideInput{Decision: domain.Approve}); err != nil {
			t.Fatal(err)
		}
		signIn(claire)
		// The référent decides paul's request.
		claireActor, _ := svc.Authenticate(ctx, tokens[claire])
		if _, err := svc.Decide(ctx, claireActor, join(paul), service.DecideInput{Decision: domain.Reject, Reason: "Inconnu"}); err != nil {
			t.Fatal(err)
		}

		// Not signed in: refused.
		r := run("", "audit", "list").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "not signed in") {
			t.Errorf("message:\n%s", r)
		}

		// --mine --decisions: the decisions one took; --action request. also has the requests one made.
		mine := list(claire, "--mine", "--decisions")
		if len(mine) != 1 || mine[0].Action != "request.reject" || mine[0].Target != paul || mine[0].Actor != claire {
			t.Errorf("claire's decisions = %+v", mine)
		} else if mine[0].Details["reason"] != "Inconnu" {
			t.Errorf("the details of a rejection are an object with its reason: %#v", mine[0].Details)
		}
		if es := list(claire, "--mine", "--action", "request."); len(es) != 2 || es[0].Action != "request.create" {
			t.Errorf("claire's request events = %+v", es)
		}
		decisions := list(adminEmail, "--mine", "--decisions")
		if len(decisions) != 1 || decisions[0].Action != "request.approve" || decisions[0].Target != claire {
			t.Errorf("the gestionnaire's decisions = %+v", decisions)
		}
		for _, e := range list(adminEmail, "--mine", "--action", "request.") {
			if e.Actor != adminEmail || !strings.HasPrefix(e.Action, "request.") {
				t.Errorf("--mine --action request. returned %+v", e)
			}
		}
		if len(list(adminEmail, "--actor", "me", "--action", "request.approve")) != 1 {
			t.Error("--actor me --action request.approve: want the one approval")
		}

		// A gestionnaire reads everyone's; others only their own.
		if es := list(adminEmail, "--actor", strings.ToUpper(claire)); len(es) == 0 {
			t.Error("a gestionnaire should read claire's actions")
		}
		r = run(claire, "audit", "list", "--actor", adminEmail).Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "only a gestionnaire") {
			t.Errorf("message:\n%s", r)
		}
		for _, e := range list(claire) {
			if e.Actor != claire {
				t.Errorf("claire reads someone else's event %+v", e)
			}
		}

		// By structure, by SIRET or id.
		for _, e := range list(adminEmail, "--structure", structures[1].SIRET) {
			if e.StructureID == nil || *e.StructureID != structures[1].ID {
				t.Errorf("--structure %s returned %+v", structures[1].SIRET, e)
			}
		}
		if len(list(adminEmail, "--structure", structures[1].SIRET)) != 1 {
			t.Error("GRETA Sud has one event: its creation")
		}
		run(adminEmail, "audit", "list", "--structure", "999").Want(t, cmdutil.ExitNotFound)

		// --since: in the future nothing, a week ago everything.
		if es := list(adminEmail, "--since", "2999-01-01"); len(es) != 0 {
			t.Errorf("--since in the future: %+v", es)
		}
		all := list(adminEmail, "--limit", "0")
		if es := list(adminEmail, "--since", "7d", "--limit", "0"); len(es) != len(all) {
			t.Errorf("--since 7d: %d events, want %d", len(es), len(all))
		}

		// --limit keeps the most recent.
		last2 := list(adminEmail, "--limit", "2")
		if len(last2) != 2 || last2[1].ID != all[len(all)-1].ID || last2[0].ID != all[len(all)-2].ID {
			t.Errorf("--limit 2 = %+v, want the last two of %d", last2, len(all))
		}

		// Exact action and CSV.
		r = run(adminEmail, "audit", "list", "--action", "structure.create", "-o", "csv").Want(t, cmdutil.ExitOK)
		lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
		if lines[0] != "id,at,actor,action,structure_id,target,details" || len(lines) != 3 {
			t.Errorf("CSV:\n%s", r.Stdout)
		}

		// Usage and input errors.
		run(adminEmail, "audit", "list", "--mine", "--actor", claire).Want(t, cmdutil.ExitUsage)
		run(adminEmail, "audit", "list", "--decisions", "--action", "request.").Want(t, cmdutil.ExitUsage)
		run(adminEmail, "audit", "list", "--limit", "-1").Want(t, cmdutil.ExitUsage)
		r = run(adminEmail, "audit", "list", "--since", "hier").Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "since") {
			t.Errorf("message should name since:\n%s", r)
		}
		run(adminEmail, "audit", "list", "--action", "request%").Want(t, cmdutil.ExitInvalid)

		// Nothing found: a word on stderr in a table, [] in JSON.
		r = run(adminEmail, "audit", "list", "--action", "nothing.here").Want(t, cmdutil.ExitOK)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "no audit event") {
			t.Errorf("empty table:\n%s", r)
		}
		if es := list(adminEmail, "--action", "nothing.here"); es == nil || len(es) != 0 {
			t.Errorf("empty JSON list: %v", es)
		}
		// Every action the trail holds can be asked for, and is offered by completion.
		run(adminEmail, "audit", "list", "--action", "request.activation_code").Want(t, cmdutil.ExitOK)
		r = run(adminEmail, "__complete", "audit", "list", "--action", "").Want(t, cmdutil.ExitOK)
		for _, want := range []string{"request.\n", "session.end\n", "user.erase\n", "request.resend_activation\n"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("completion of --action lacks %q:\n%s", want, r.Stdout)
			}
		}
		if strings.Contains(r.Stdout, "user.first-sign-in") {
			t.Errorf("completion offers an action nothing writes:\n%s", r.Stdout)
		}
	})
}

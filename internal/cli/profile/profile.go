// Package profile holds `profil profile`: the catalogue of rights and the grants of each member.
package profile

import (
	"context"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/prompt"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// NewCmd builds `profil profile` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "profile",
		Aliases: []string{"profiles"},
		Short:   "Grant and revoke the rights (profiles) members hold in each application",
		Long: `A profile is a right in one application (RAFAEL, PARCOURS PRO), held on a membership: the
same person may hold different profiles in each of their structures. The catalogue says which
profiles exist and their rules: one training-org profile and one prescriber level per member,
RAFAEL training-org profiles only on a training organisation, and the PARCOURS PRO
bénéficiaire on every membership, never removed. The structure's référent or a gestionnaire
grants and revokes.`,
		Example: `  profil profile catalog
  profil profile grant anne.martin@exemple.fr rafael.of-general parcourspro.employer --structure 12
  profil profile revoke anne.martin@exemple.fr parcourspro.employer --structure 12
  profil profile list anne.martin@exemple.fr`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdCatalog(f), newCmdChange(f, true), newCmdChange(f, false), newCmdList(f))
	return cmd
}

// Profile is the JSON shape of a catalogue row.
type Profile struct {
	Code         string `json:"code"`
	Application  string `json:"application"`
	Label        string `json:"label"`
	Family       string `json:"family"`
	Exclusive    bool   `json:"exclusive"`
	RequiredKind string `json:"required_kind"`
	Automatic    bool   `json:"automatic"`
	Removable    bool   `json:"removable"`
}

func newCmdCatalog(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "catalog",
		Aliases: []string{"catalogue"},
		Short:   "List the profiles of each application and their rules",
		Example: "  profil profile catalog\n  profil profile catalog -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			cat, err := api.Catalogue(ctx)
			if err != nil {
				return err
			}
			rows := make([]Profile, len(cat))
			for i, p := range cat {
				rows[i] = Profile{p.Code, p.Application, p.Label, p.Family, p.Exclusive, string(p.RequiredKind), p.Automatic, p.Removable}
			}
			return cmdutil.ListPrinter[Profile, Profile]{
				Rows: cmdutil.Identity[Profile],
				Columns: cmdutil.Columns([]output.Column[Profile]{
					{Header: "CODE", Value: func(p Profile) string { return p.Code }},
					{Header: "APPLICATION", Value: func(p Profile) string { return p.Application }},
					{Header: "LABEL", Value: func(p Profile) string { return p.Label }},
					{Header: "RULE", Value: ruleText},
				}),
			}.Print(f, rows)
		},
	}
}

func ruleText(p Profile) string {
	var parts []string
	if p.Automatic {
		parts = append(parts, i18n.T("profile.rule_every_membership"))
	}
	if !p.Removable {
		parts = append(parts, i18n.T("profile.rule_never_removed"))
	}
	if p.RequiredKind != "" {
		parts = append(parts, i18n.T("profile.rule_only_on", i18n.Value(p.RequiredKind)))
	}
	if p.Exclusive && p.Family != "" {
		parts = append(parts, i18n.T("profile.rule_one_per_family", p.Family))
	}
	if len(parts) == 0 {
		return i18n.T("profile.rule_anywhere")
	}
	return strings.Join(parts, i18n.T("profile.rule_join"))
}

// ChangeOptions are the inputs of `profile grant` and `profile revoke`.
type ChangeOptions struct {
	Email     string
	Codes     []string
	Structure domain.StructureRef
}

func newCmdChange(f *cmdutil.Factory, grant bool) *cobra.Command {
	var structure string
	verb, short, example := "grant", "Give profiles to a member of a structure", "  profil profile grant anne.martin@exemple.fr rafael.of-general --structure \"183 300 011 00016\""
	if !grant {
		verb, short, example = "revoke", "Take profiles away from a member of a structure", "  profil profile revoke anne.martin@exemple.fr parcourspro.employer --structure 12"
	}
	cmd := &cobra.Command{
		Use:   verb + " EMAIL CODE… --structure ID|SIRET",
		Short: short,
		Long: short + `. It is idempotent: a profile already held (or not held) is reported and
left as it is. A profile that breaks a rule of the catalogue refuses the whole change (exit 5)
and says which rule and which profile holds the place; an unknown code is exit 6.`,
		Example: example,
		Args:    cmdutil.MinimumArgs(2, "args.email_profiles"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if structure == "" {
				return cmdutil.FlagErrorf("profile.structure_required")
			}
			ref, err := domain.ParseStructureRef(structure)
			if err != nil {
				return err
			}
			var codes []string
			for _, a := range args[1:] {
				for _, c := range strings.Split(a, ",") {
					if c = strings.TrimSpace(c); c != "" {
						codes = append(codes, c)
					}
				}
			}
			opts := &ChangeOptions{Email: args[0], Codes: codes, Structure: ref}
			return changeRun(cmd.Context(), f, opts, grant)
		},
	}
	cmd.Flags().StringVar(&structure, "structure", "", "the structure (SIRET, SIREN, id or name) where the profiles are held")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return f.CompleteMemberEmails()(c, args, toComplete)
		}
		return f.CompleteAllowedProfiles(cmdutil.StructureFlag)(c, args, toComplete)
	}
	return cmd
}

// Change is the JSON shape of the result of a grant or revoke, one per code.
type Change struct {
	Email   string `json:"email"`
	Code    string `json:"code"`
	Result  string `json:"result"` // granted, revoked, already-held, not-held
	Changed bool   `json:"changed"`
}

func changeRun(ctx context.Context, f *cmdutil.Factory, opts *ChangeOptions, grant bool) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	var res []service.GrantResult
	if grant {
		res, err = api.Grant(ctx, opts.Email, opts.Structure, opts.Codes)
	} else {
		if err := confirmRevoke(ctx, f, api, opts); err != nil {
			return err
		}
		res, err = api.Revoke(ctx, opts.Email, opts.Structure, opts.Codes)
	}
	if err != nil {
		return err
	}
	email, _ := domain.NormalizeEmail(opts.Email)
	rows := make([]Change, len(res))
	for i, r := range res {
		word := map[[2]bool]string{{true, true}: "granted", {true, false}: "already-held", {false, true}: "revoked", {false, false}: "not-held"}[[2]bool{grant, r.Changed}]
		rows[i] = Change{Email: email, Code: r.Code, Result: word, Changed: r.Changed}
		switch word {
		case "granted":
			f.Say("profile.granted", r.Code, email)
		case "revoked":
			f.Say("profile.revoked", r.Code, email)
		default:
			if grant {
				f.Say("profile.already_held", r.Code)
			} else {
				f.Say("profile.not_held_unchanged", r.Code)
			}
		}
	}
	format, err := f.Format()
	if err != nil || format == output.Table {
		return err
	}
	return output.Print(f.IO, format, rows, nil)
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list [EMAIL]",
		Short:   "List the profiles a person holds, structure by structure",
		Example: "  profil profile list\n  profil profile list anne.martin@exemple.fr -o json",
		Args:    cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			email := ""
			if len(args) == 1 {
				email = args[0]
			}
			ms, err := api.Profiles(ctx, email)
			if err != nil {
				return err
			}
			return cmdutil.ListPrinter[domain.Member, present.Member]{
				Empty: "profile.no_structure",
				Rows:  present.Members,
				Columns: cmdutil.Columns([]output.Column[present.Member]{
					{Header: "STRUCTURE", Value: func(m present.Member) string {
						return fmt.Sprintf("%s (%s)", m.StructureName, present.FormatSIRET(m.SIRET))
					}},
					{Header: "RÉF.", Value: func(m present.Member) string { return map[bool]string{true: "★"}[m.Referent] }},
					{Header: "PROFILES", Value: func(m present.Member) string { return strings.Join(m.Profiles, ", ") }},
				}),
			}.Print(f, ms)
		},
	}
}

// confirmRevoke asks, on a terminal and without --yes, before rights are taken away: the
// person loses them in the application at once. A "no" cancels. Nothing is asked when the
// revoke would be refused (its error comes first) or would change nothing.
func confirmRevoke(ctx context.Context, f *cmdutil.Factory, api service.API, opts *ChangeOptions) error {
	if !f.CanPrompt() {
		return nil
	}
	if change, err := api.RevokeWouldChange(ctx, opts.Email, opts.Structure, opts.Codes); err != nil || !change {
		return err
	}
	ok, err := f.Prompter.Confirm(i18n.T("profile.confirm_revoke", strings.Join(opts.Codes, ", "), opts.Email), false)
	if err != nil {
		return err
	}
	if !ok {
		return prompt.ErrCancelled
	}
	return nil
}

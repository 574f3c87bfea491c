// Package structure holds `profil structure`: create, show, update, list, search, import and
// the adhesion of structures, their members, and the requests to reference a structure (with
// its proof and mandate) or to change its data.
package structure

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
)

// NewCmd builds `profil structure` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "structure",
		Aliases: []string{"structures"},
		Short:   "Create, find and change structures (organisations)",
		Long: `A structure is an organisation users are attached to: a training organisation, a
prescriber, an employer, a ministry. It is known by its SIRET when it has one; wherever a
command names a structure, give its SIRET (spaces allowed) or its id.`,
		Example: `  profil structure search "cap metiers"
  profil structure show "824 228 142 01072"
  profil structure create --name "GRETA Sud Aquitaine" --siret 19640001000263 --kind training-org --postal-code 64100`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdCreate(f), NewCmdShow(f), NewCmdUpdate(f), NewCmdSearch(f),
		NewCmdList(f), NewCmdAdhesion(f), NewCmdRequest(f), NewCmdMembers(f), NewCmdImport(f),
		NewCmdRequestChange(f))
	return cmd
}

// fieldFlags are the flags that set structure fields, shared by create, update and request.
type fieldFlags struct {
	siret, name, acronym, ape, address, postalCode, city string
	kinds                                                []string
	ministry                                             bool
	adhesionYear                                         int
}

func (ff *fieldFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&ff.siret, "siret", "", "SIRET, 14 digits (spaces allowed); empty for a structure without one")
	fs.StringVar(&ff.name, "name", "", "legal name (raison sociale)")
	fs.StringVar(&ff.acronym, "acronym", "", "acronym (sigle)")
	fs.StringVar(&ff.ape, "ape", "", "APE/NAF code, e.g. 85.59A")
	fs.StringVar(&ff.address, "address", "", "street address (required without SIRET)")
	fs.StringVar(&ff.postalCode, "postal-code", "", "postal code; sets the département")
	fs.StringVar(&ff.city, "city", "", "city")
	fs.StringSliceVar(&ff.kinds, "kind", nil, "training-org, prescriber, employer (repeat or comma-separate)")
	fs.BoolVar(&ff.ministry, "ministry", false, "the structure is a ministry (universities are not)")
	fs.IntVar(&ff.adhesionYear, "adhesion-year", 0, "year of adhesion to Cap Métiers")
}

// input turns the flags the user typed into a StructureInput; untouched flags stay nil so an
// update changes only what was given.
func (ff *fieldFlags) input(fs *pflag.FlagSet) (domain.StructureInput, error) {
	var in domain.StructureInput
	set := func(flag string, dst **string, v string) {
		if fs.Changed(flag) {
			*dst = &v
		}
	}
	set("siret", &in.SIRET, ff.siret)
	set("name", &in.Name, ff.name)
	set("acronym", &in.Acronym, ff.acronym)
	set("ape", &in.APE, ff.ape)
	set("address", &in.Address, ff.address)
	set("postal-code", &in.PostalCode, ff.postalCode)
	set("city", &in.City, ff.city)
	if fs.Changed("kind") {
		var kinds []domain.Kind
		for _, s := range ff.kinds {
			k, err := domain.ParseKinds(s)
			if err != nil {
				return in, err
			}
			kinds = append(kinds, k...)
		}
		kinds = domain.SortKinds(kinds)
		in.Kinds = &kinds
	}
	if fs.Changed("ministry") {
		in.Ministry = &ff.ministry
	}
	if fs.Changed("adhesion-year") {
		in.AdhesionYear = &ff.adhesionYear
	}
	return in, nil
}

func completeKinds(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"training-org", "prescriber", "employer"}, cobra.ShellCompDirectiveNoFileComp
}

package structure

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// SearchOptions are the inputs of `structure search` and `structure list`.
type SearchOptions struct {
	Query service.StructureQuery
}

type filterFlags struct {
	department string
	kind       string
	limit      int
}

func (ff *filterFlags) register(cmd *cobra.Command, defaultLimit int) {
	cmd.Flags().StringVar(&ff.department, "department", "", "only this département (33, 2A, 971…)")
	cmd.Flags().StringVar(&ff.kind, "kind", "", "only this kind: training-org, prescriber, employer")
	cmd.Flags().IntVar(&ff.limit, "limit", defaultLimit, "at most this many results (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
}

func (ff *filterFlags) query(text string) (service.StructureQuery, error) {
	q := service.StructureQuery{Text: text, Department: strings.ToUpper(strings.TrimSpace(ff.department)), Limit: ff.limit}
	if ff.limit < 0 {
		return q, cmdutil.FlagErrorf("search.limit_invalid")
	}
	if ff.kind != "" {
		k, err := domain.ParseKind(ff.kind)
		if err != nil {
			return q, err
		}
		q.Kind = k
	}
	return q, nil
}

// NewCmdSearch builds `structure search`.
func NewCmdSearch(f *cmdutil.Factory) *cobra.Command {
	ff := &filterFlags{}
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find structures by name, acronym or SIRET",
		Long: `Find structures by name (raison sociale), acronym (sigle) or SIRET. Accents, case and
punctuation do not matter ("cap metiers" finds "Cap Métiers"); words may come in any order;
digits are matched as the start of a SIRET or SIREN, spaces allowed. Exact matches come
first, then names that start with the query, then the rest.`,
		Example: `  profil structure search "cap metiers"
  profil structure search greta --department 64
  profil structure search "356 000 000"
  profil structure search afpa --kind training-org -o json`,
		Args: cmdutil.MinimumArgs(1, "args.search_text"),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := ff.query(strings.Join(args, " "))
			if err != nil {
				return err
			}
			opts := &SearchOptions{Query: q}
			return searchRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd, 50)
	return cmd
}

// NewCmdList builds `structure list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	ff := &filterFlags{}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List structures, by name",
		Example: "  profil structure list --department 33\n  profil structure list --kind prescriber -o csv > prescripteurs.csv",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := ff.query("")
			if err != nil {
				return err
			}
			opts := &SearchOptions{Query: q}
			return searchRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd, 0)
	return cmd
}

func searchRun(ctx context.Context, f *cmdutil.Factory, opts *SearchOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	found, err := api.SearchStructures(ctx, opts.Query)
	if err != nil {
		return err
	}
	cols := present.StructureColumns
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	if actor.IsAnonymous() {
		cols = cols[:len(cols)-1] // the référent, which is not public
	}
	return cmdutil.PrintList(f, found, func(s domain.Structure) int64 { return s.ID }, "search.no_match", present.Structures, cols)
}

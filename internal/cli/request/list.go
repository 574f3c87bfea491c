package request

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// ListOptions are the inputs of `request list`.
type ListOptions struct {
	Filter    service.RequestQuery
	Structure *domain.StructureRef
	DecidedBy string // an e-mail or "me"
}

// NewCmdList builds `request list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	var (
		kind, status, structure, decidedBy string
		mine, all                          bool
		limit                              int
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the requests you may decide (or your own with --mine)",
		Long: `List requests, oldest first, with how long each has waited. Gestionnaires see every
request; a référent sees the account and affiliation requests of their structures. --mine shows
the requests you made; --decided-by me the decisions you took. Pending requests only, unless
--status or --all says otherwise.`,
		Example: `  profil request list
  profil request list --kind account --structure "824 228 142 01072"
  profil request list --mine --all
  profil request list --decided-by me --all`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ListOptions{DecidedBy: decidedBy}
			opts.Filter.Mine = mine
			opts.Filter.Limit = limit
			if kind != "" {
				k, err := domain.ParseRequestKind(kind)
				if err != nil {
					return err
				}
				opts.Filter.Kind = k
			}
			switch {
			case status != "" && all:
				return cmdutil.FlagErrorf("request_list.status_and_all")
			case status != "":
				st, err := domain.ParseRequestStatus(status)
				if err != nil {
					return err
				}
				opts.Filter.Status = st
			case !all:
				opts.Filter.Status = domain.StatusPending
			}
			if structure != "" {
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "structure, account, affiliation or change")
	cmd.Flags().StringVar(&status, "status", "", "pending (default), unverified, approved or rejected")
	cmd.Flags().BoolVar(&all, "all", false, "every status")
	cmd.Flags().StringVar(&structure, "structure", "", "only the requests of this structure (SIRET, SIREN, id or name)")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	cmd.Flags().BoolVar(&mine, "mine", false, "the requests you made")
	cmd.Flags().StringVar(&decidedBy, "decided-by", "", `the decisions of this person ("me" for yours)`)
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("kind", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"structure", "account", "affiliation", "change"}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"unverified", "pending", "approved", "rejected"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	if opts.Structure != nil {
		st, err := api.Structure(ctx, *opts.Structure)
		if err != nil {
			return err
		}
		opts.Filter.StructureID = st.ID
	}
	if opts.DecidedBy != "" {
		email := opts.DecidedBy
		if email == "me" {
			email = ""
		}
		u, err := api.User(ctx, email)
		if err != nil {
			return err
		}
		opts.Filter.DecidedBy = u.User.ID
	}
	rs, err := api.ListRequests(ctx, opts.Filter)
	if err != nil {
		return err
	}
	rows := func(rs []domain.Request) []present.Request { return present.Requests(rs, now(f)) }
	return cmdutil.PrintList(f, rs, func(r domain.Request) int64 { return r.ID }, "request_list.empty", rows, present.RequestColumns)
}

func now(f *cmdutil.Factory) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// ShowOptions are the inputs of `request show`.
type ShowOptions struct{ ID int64 }

// NewCmdShow builds `request show`.
func NewCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Short:   "Show one request",
		Example: "  profil request show 42\n  profil request show 42 -o json",
		Args:    cmdutil.ExactArgs(1, "args.request_id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			opts := &ShowOptions{ID: id}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			r, err := api.Request(ctx, opts.ID)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			v := present.FromRequest(r, now(f))
			return output.PrintOne(f.IO, format, v, present.RequestDetailOf(v))
		},
	}
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Invalid("id", s, "request.id_invalid")
	}
	return id, nil
}

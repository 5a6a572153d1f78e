package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/open311"
	"github.com/keyclic/keyclic/store"
)

const open311Usage = `usage:
  keyclic open311 keys create -app <application key> -client <name> [-private]
  keyclic open311 keys list [-app <application key>]
  keyclic open311 keys revoke <key id>`

// open311Keys runs `keyclic open311 keys …`: an operator creates, lists and revokes the API keys
// of Open311 clients. The key itself is printed once, at creation; only its hash is kept.
func open311Keys(ctx context.Context, st *store.Store, args []string, out io.Writer) error {
	if len(args) < 2 || args[0] != "keys" {
		return errors.New(open311Usage)
	}
	fs := flag.NewFlagSet("open311 keys "+args[1], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	appKey := fs.String("app", "", "the application (Open311 jurisdiction) the key belongs to")
	client := fs.String("client", "", "the client using the key (FixMyStreet, a city's CRM…)")
	private := fs.Bool("private", false, "requests posted with the key are private feedbacks (public by default)")
	if err := fs.Parse(args[2:]); err != nil {
		return fmt.Errorf("%w\n%s", err, open311Usage)
	}
	switch args[1] {
	case "create":
		name := strings.TrimSpace(*client)
		if *appKey == "" || name == "" || fs.NArg() > 0 {
			return errors.New(open311Usage)
		}
		app, err := st.ApplicationByToken(ctx, *appKey)
		if err != nil {
			return fmt.Errorf("application %q: %w", *appKey, err)
		}
		key, hash := open311.NewKey()
		k, err := st.CreateOpen311Key(ctx, app.ID, name, !*private, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "id:           %s\njurisdiction: %s\nclient:       %s\nvisibility:   %s\napi_key:      %s\n(the key is shown once: keep it now)\n",
			k.ID, k.AppToken, k.Client, visibility(k.Public), key)
		return nil
	case "list":
		var appID *uuid.UUID
		if *appKey != "" {
			app, err := st.ApplicationByToken(ctx, *appKey)
			if err != nil {
				return fmt.Errorf("application %q: %w", *appKey, err)
			}
			appID = &app.ID
		}
		keys, err := st.Open311Keys(ctx, appID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tJURISDICTION\tCLIENT\tVISIBILITY\tCREATED\tREVOKED")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.AppToken, k.Client, visibility(k.Public), k.CreatedAt.UTC().Format(time.RFC3339), revoked)
		}
		return w.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New(open311Usage)
		}
		id, ok := domain.ParseUUID(fs.Arg(0))
		if !ok {
			return fmt.Errorf("%q is not a key id\n%s", fs.Arg(0), open311Usage)
		}
		k, err := st.RevokeOpen311Key(ctx, id)
		if err != nil {
			return fmt.Errorf("key %s: %w", id, err)
		}
		fmt.Fprintf(out, "revoked %s (%s, %s) at %s\n", k.ID, k.AppToken, k.Client, k.RevokedAt.UTC().Format(time.RFC3339))
		return nil
	}
	return errors.New(open311Usage)
}

func visibility(public bool) string {
	if public {
		return "public"
	}
	return "private"
}

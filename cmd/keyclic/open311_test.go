package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/open311"
)

// An operator creates, lists and revokes the keys of Open311 clients. The key is printed once
// and only its hash is kept; a client's keys share one account, which cannot log in.
func TestOpen311Keys(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := open311Keys(ctx, st, args, &out)
		return out.String(), err
	}
	created := regexp.MustCompile(`(?m)^id: +(\S+)$[\s\S]*^api_key: +(o311_\S+)$`)
	out, err := run("keys", "create", "-app", "com.keyclic.city", "-client", "FixMyStreet")
	m := created.FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, "visibility:   public") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	id, key := m[1], m[2]
	k, err := st.Open311KeyByHash(ctx, open311.HashKey(key))
	if err != nil || k.ID.String() != id || k.AppToken != "com.keyclic.city" || k.Client != "FixMyStreet" || !k.Public {
		t.Fatalf("stored key %+v: %v", k, err)
	}
	var stored []byte
	if err := st.Pool.QueryRow(ctx, `SELECT key_hash FROM open311_keys WHERE id = $1`, k.ID).Scan(&stored); err != nil || bytes.Contains(stored, []byte(key)) {
		t.Fatalf("the key itself is stored: %v", err)
	}
	// The client's account cannot log in.
	p, err := st.Person(ctx, k.PersonID)
	if err != nil || bcrypt.CompareHashAndPassword([]byte(p.PasswordHash), []byte("")) == nil || !strings.HasSuffix(p.Email, ".invalid") {
		t.Fatalf("client account %+v: %v", p, err)
	}

	// A second key of the same client shares its account; a private one is private.
	out, err = run("keys", "create", "-app", "com.keyclic.city", "-client", "FixMyStreet", "-private")
	m2 := created.FindStringSubmatch(out)
	if err != nil || m2 == nil || !strings.Contains(out, "visibility:   private") {
		t.Fatalf("second key: %v\n%s", err, out)
	}
	k2, err := st.Open311KeyByHash(ctx, open311.HashKey(m2[2]))
	if err != nil || k2.PersonID != k.PersonID || k2.Public {
		t.Fatalf("second key %+v: %v", k2, err)
	}

	out, err = run("keys", "list", "-app", "com.keyclic.city")
	if err != nil || strings.Count(out, "FixMyStreet") != 2 || !strings.Contains(out, id) || strings.Contains(out, key) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, err = run("keys", "revoke", id); err != nil || !strings.Contains(out, "revoked "+id) {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if _, err := st.Open311KeyByHash(ctx, open311.HashKey(key)); err == nil {
		t.Fatal("a revoked key still opens")
	}
	if out, _ = run("keys", "list"); !regexp.MustCompile(id + `.*\d{4}-\d\d-\d\dT`).MatchString(strings.SplitN(out, "\n", 3)[1]) {
		t.Fatalf("list after revoke:\n%s", out)
	}

	for _, args := range [][]string{
		{}, {"keys"}, {"keys", "create", "-client", "x"}, {"keys", "create", "-app", "com.keyclic.city"},
		{"keys", "create", "-app", "nope", "-client", "x"}, {"keys", "revoke", "not-an-id"},
		{"keys", "revoke", "5f0c1f7e-0000-4000-8000-000000000000"}, {"keys", "rotate"}, {"keys", "list", "-app", "nope"},
	} {
		if _, err := run(args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// jurisdiction_id may be left out only when the server has a single application.
func TestSoleApplication(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	if _, ok, err := st.SoleApplication(ctx); err != nil || ok {
		t.Fatalf("three applications: sole %v (%v)", ok, err)
	}
	exec(t, st, `DELETE FROM applications WHERE token <> 'com.keyclic.app'`)
	app, ok, err := st.SoleApplication(ctx)
	if err != nil || !ok || app.Token != "com.keyclic.app" {
		t.Fatalf("one application: %+v %v (%v)", app, ok, err)
	}
}

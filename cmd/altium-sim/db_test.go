package main

import (
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

func openDB(t *testing.T, h *simHost) *simdb.DB {
	t.Helper()
	db, err := simdb.Open(h.root)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

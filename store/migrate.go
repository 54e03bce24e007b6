package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations are the embedded numbered .sql files in order; migration i brings user_version to i+1.
var migrations = loadMigrations()

func loadMigrations() []string {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		out = append(out, string(b))
	}
	return out
}

// SchemaVersion is the user_version this build of mlwb writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies every migration the database lacks, each in a transaction that also sets
// user_version, so a crash leaves the database at a whole version.
func (s *Store) migrate(ctx context.Context) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d, this mlwb knows up to %d: %w", v, len(migrations), ErrNewerSchema)
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
			if step := goSteps[i+1]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %d: %w", i+1, err)
				}
			}
		}
		if v < len(migrations) {
			// PRAGMA takes no bound parameters; the value is our own integer.
			if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+fmt.Sprint(len(migrations))); err != nil {
				return fmt.Errorf("set schema version: %w", err)
			}
		}
		return nil
	})
}

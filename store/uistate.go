package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// UIState returns a value the TUI saved (last tab, theme, selections), or "" and false.
func (s *Store) UIState(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM ui_state WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read ui state %q: %w", key, err)
	}
	return v, true, nil
}

// SetUIState saves a value for the TUI to find when it is opened again.
func (s *Store) SetUIState(ctx context.Context, key, value string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO ui_state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil {
			return fmt.Errorf("save ui state %q: %w", key, err)
		}
		return nil
	})
}

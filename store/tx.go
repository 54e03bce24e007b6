package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"
)

// Tx is a write transaction handed to the functions given to writeTx.
type Tx = sql.Tx

// busyPatience is how long a writer waits for the database in total before giving up. SQLite's own
// busy handler covers most waits (busy_timeout); this loop covers the cases it does not, such as a
// BUSY returned at COMMIT while a checkpoint runs, or a lock held longer than busy_timeout.
const busyPatience = 2 * time.Minute

// writeTx runs fn in an IMMEDIATE transaction (the DSN's _txlock), retrying the whole transaction
// while the database is busy, so concurrent writers queue rather than fail.
func (s *Store) writeTx(ctx context.Context, fn func(tx *Tx) error) error {
	deadline := time.Now().Add(busyPatience)
	wait := 5 * time.Millisecond
	for {
		err := s.tryTx(ctx, fn)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the database: %w", ctx.Err())
		case <-time.After(wait + time.Duration(rand.Int64N(int64(wait)))):
		}
		if wait < 200*time.Millisecond {
			wait *= 2
		}
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// nowMS is the current time in Unix milliseconds, the store's time unit.
func nowMS() int64 { return time.Now().UnixMilli() }

// toMS converts a time to Unix milliseconds; the zero time is NULL.
func toMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMS converts a nullable Unix-millisecond column to a time; NULL is the zero time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}

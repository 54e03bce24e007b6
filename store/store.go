// Package store is mlwb's SQLite state: embedded migrations, and the only package that writes SQL.
//
// One file per project (.mlwb/state.db) is shared by every mlwb process at once: the TUI, CLI verbs
// and each run's supervisor. WAL mode lets readers go on while one writer commits; every write path
// begins an IMMEDIATE transaction and waits out SQLITE_BUSY, so many writers queue instead of failing.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// ErrNewerSchema is returned by Open for a database written by a newer mlwb; the file is left untouched.
var ErrNewerSchema = errors.New("database was written by a newer mlwb")

// ErrNotDatabase is returned by Open when the file at the path is not an SQLite database, or is corrupt.
var ErrNotDatabase = errors.New("not an mlwb database")

// sqliteMagic is the first 16 bytes of every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Store is an open mlwb database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string

	keysMu sync.RWMutex
	keys   map[string]int64 // metric key name -> id, only for keys known to be committed
}

// dsn carries the connection settings so that every pooled connection has them (DESIGN.md).
func dsn(path string, readOnly bool) string {
	u := url.URL{Scheme: "file", Opaque: url.PathEscape(path)}
	q := url.Values{}
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
	}
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens (creating if absent) the database at path and brings its schema up to date.
// A file that is not SQLite, or one from a newer mlwb, is refused with a clear error and never altered.
func Open(path string) (*Store, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := checkVersion(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, keys: map[string]int64{}}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// checkHeader refuses an existing, non-empty file that does not start with SQLite's magic bytes.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory: %w", path, ErrNotDatabase)
	}
	if st.Size() == 0 {
		return nil
	}
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteMagic) {
		return fmt.Errorf("%s is not an SQLite database (left as it is; move it or point --db elsewhere): %w", path, ErrNotDatabase)
	}
	return nil
}

// checkVersion reads user_version through a read-only connection, so that a database from a newer
// mlwb is refused before anything (even the WAL journal mode) is written to it.
func checkVersion(path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil // absent: created fresh by Open
	}
	db, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("%s: cannot read the schema version (%v): %w", path, err, ErrNotDatabase)
	}
	if err := integrityProbe(db); err != nil {
		return fmt.Errorf("%s is corrupt (%v; left as it is): %w", path, err, ErrNotDatabase)
	}
	if v > len(migrations) {
		return fmt.Errorf("%s has schema version %d, this mlwb knows up to %d; upgrade mlwb (the file was not changed): %w",
			path, v, len(migrations), ErrNewerSchema)
	}
	return nil
}

// integrityProbe touches the schema so that a damaged file fails now, with a clear message,
// rather than halfway through a migration.
func integrityProbe(db *sql.DB) error {
	var n int
	return db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
}

// isBusy reports whether err is SQLite's "database is locked/busy", which a writer waits out.
func isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}

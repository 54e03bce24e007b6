// Package project finds the mlwb project a command runs in and reads its
// settings: the project root (the git root found from the working directory,
// or the working directory itself outside git), the committed mlwb.yaml, and
// the never-committed .mlwb/ state directory beside it.
//
// It is the first thing every entry point calls, so it does no slow work: one
// walk up to the .git directory and one small YAML file.
package project

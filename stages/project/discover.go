package project

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
)

// StateDirName is the per-project state directory at the root; never committed.
const StateDirName = ".mlwb"

// Project is the project a command works in.
type Project struct {
	// Root is the absolute project root: the git worktree root found from
	// the working directory, or the working directory outside git.
	Root string
	// InGit says whether Root is the root of a git worktree.
	InGit bool
	// ConfigPath is Root/mlwb.yaml, whether or not it exists.
	ConfigPath string
	// Config is the parsed mlwb.yaml, or Default(Root) when there is none
	// (or it does not parse; see Discover).
	Config *Config
	// HasConfig says whether mlwb.yaml exists.
	HasConfig bool
}

// Discover finds the project that wd belongs to and reads its mlwb.yaml.
// In a linked worktree (git worktree add) the root is that worktree's root.
//
// When mlwb.yaml exists but cannot be parsed, Discover returns the project
// with Default config and HasConfig true together with the *ConfigError, so
// that an interface can show the error and still work; a caller that needs a
// valid config just checks err.
func Discover(wd string) (*Project, error) {
	abs, err := filepath.Abs(wd)
	if err != nil {
		return nil, fmt.Errorf("finding project from %s: %w", wd, err)
	}
	root, inGit, err := findRoot(abs)
	if err != nil {
		return nil, err
	}
	p := &Project{Root: root, InGit: inGit, ConfigPath: filepath.Join(root, ConfigFile)}
	cfg, err := Load(p.ConfigPath)
	switch {
	case err == nil:
		p.Config, p.HasConfig = cfg, true
	case isNotExist(err):
		p.Config = Default(root)
	default:
		p.Config, p.HasConfig = Default(root), true
		return p, err
	}
	return p, nil
}

// findRoot returns the root of the git worktree holding dir, or dir itself
// when dir is in no repository (or only in a bare one).
func findRoot(dir string) (root string, inGit bool, err error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return dir, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("opening git repository at %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return dir, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("opening git worktree at %s: %w", dir, err)
	}
	return wt.Filesystem.Root(), true, nil
}

// StateDir is Root/.mlwb.
func (p *Project) StateDir() string { return filepath.Join(p.Root, StateDirName) }

// DefaultDBPath is Root/.mlwb/state.db, used unless --db or MLWB_DB say otherwise.
func (p *Project) DefaultDBPath() string { return filepath.Join(p.StateDir(), "state.db") }

// RunDir is Root/.mlwb/runs/<runUUID>, where a run keeps its log and artifacts.
func (p *Project) RunDir(runUUID string) string {
	return filepath.Join(p.StateDir(), "runs", runUUID)
}

// DatasetPath resolves a dataset's path against the project root.
func (p *Project) DatasetPath(d DatasetSpec) string { return p.Abs(d.Path) }

// Abs resolves a path written in mlwb.yaml: relative to the project root, or absolute.
func (p *Project) Abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(p.Root, path)
}

// FeatureSpecPath is where the feature spec of the dataset called name lives: features (its
// features: in mlwb.yaml) relative to the project root, or when that is empty
// <name>.features.yaml at the root, the name's slashes turned to _ so it stays one file.
func (p *Project) FeatureSpecPath(name, features string) string {
	if features != "" {
		return p.Abs(features)
	}
	return filepath.Join(p.Root, FeatureSpecFile(name))
}

// specNameSeps are the path separators a dataset name (a file's project path, when it is not
// declared) may hold; its spec file's name has _ for each.
var specNameSeps = strings.NewReplacer("/", "_", `\`, "_")

// FeatureSpecFile is the file name of the spec of the dataset called name: the name with its
// separators made _, then .features.yaml (data/x.csv → data_x.csv.features.yaml).
func FeatureSpecFile(name string) string { return specNameSeps.Replace(name) + ".features.yaml" }

package versions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ErrNoGitCLI is returned (wrapped) by work that needs the git command and
// cannot find it on PATH.
var ErrNoGitCLI = errors.New("git CLI needed")

// gitPath returns the git executable, or "" when there is none on PATH.
func gitPath() string {
	p, err := exec.LookPath("git")
	if err != nil {
		return ""
	}
	return p
}

// runGit runs `git -C root args...` and returns its stdout. The command is
// killed when ctx ends, and the error then wraps ctx.Err(). Optional locks
// are off so a background status never blocks the user's own git commands.
func runGit(ctx context.Context, git, root string, args ...string) ([]byte, error) {
	return runGitIO(ctx, git, root, nil, nil, args...)
}

// runGitIO is runGit with extra environment (such as GIT_INDEX_FILE) and stdin.
func runGitIO(ctx context.Context, git, root string, env []string, stdin []byte, args ...string) ([]byte, error) {
	full := append([]string{"-C", root, "-c", "core.quotepath=off"}, args...)
	cmd := exec.CommandContext(ctx, git, full...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
	cmd.Env = append(cmd.Env, env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("git %s in %s: %w", args[0], root, ctxErr)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, fmt.Errorf("git %s in %s: %w", args[0], root, err)
		}
		return nil, fmt.Errorf("git %s in %s: %w: %s", args[0], root, err, msg)
	}
	return stdout.Bytes(), nil
}

package mlflow

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlwb/mlwb/store"
)

// Artifacts live in a directory per run (Options.ArtifactRoot). Every file operation goes through
// an os.Root opened on that directory, so neither "..", an absolute path, nor a symbolic link can
// reach outside it; paths are also checked up front, as MLflow does, so such a request is refused
// with a clear error before the file system is touched.
//
// The MLflow client uploads through the proxied artifact store: a run's artifact_uri is
// mlflow-artifacts:/<experiment>/<run id>/artifacts, which the client turns into
// /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run id>/artifacts/<path>.

// uploadMarker is part of the name of a file being uploaded; listings skip such files.
const uploadMarker = ".mlwb-upload-"

// errBadPath is the answer to a path that is absolute, climbs out, or is otherwise unsafe.
func errBadPath(p string) *APIError {
	return invalidParam("Invalid path: '%s'", truncate(p, 200))
}

// checkPath refuses paths MLflow refuses (validate_path_is_safe): absolute, with a ".." part, a
// backslash, a '#', a NUL or a drive letter, also once percent-decoded (repeatedly).
func checkPath(p string) error {
	forms := []string{p}
	d := p
	for i := 0; i < 5; i++ {
		u, err := url.PathUnescape(d)
		if err != nil || u == d {
			break
		}
		d = u
		forms = append(forms, d)
	}
	for _, f := range forms {
		if strings.ContainsAny(f, "\\#\x00") || strings.HasPrefix(f, "/") ||
			len(f) >= 2 && f[1] == ':' && (f[0] >= 'a' && f[0] <= 'z' || f[0] >= 'A' && f[0] <= 'Z') {
			return errBadPath(p)
		}
		for _, seg := range strings.Split(f, "/") {
			if seg == ".." {
				return errBadPath(p)
			}
		}
	}
	return nil
}

// cleanRel normalises a checked relative path: "" and "." are the root itself.
func cleanRel(p string) string {
	c := path.Clean("/" + p)[1:]
	return c
}

func isRunUUID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// splitArtifactPath finds "<run id>/artifacts" in a proxied artifact path and returns the run id
// and the path below it. ok is false for a path that names no run's artifacts.
func splitArtifactPath(p string) (uuid, rel string, ok bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if isRunUUID(segs[i]) && segs[i+1] == "artifacts" {
			return segs[i], cleanRel(strings.Join(segs[i+2:], "/")), true
		}
	}
	return "", "", false
}

// artifactDir is the directory of a run's artifacts.
func (h *handler) artifactDir(ctx context.Context, runID int64) (string, error) {
	if h.opt.ArtifactRoot != nil {
		return h.opt.ArtifactRoot(runID), nil
	}
	r, err := h.s.GetRun(ctx, runID)
	if err != nil {
		return "", err
	}
	if r.ArtifactDir != "" {
		return r.ArtifactDir, nil
	}
	return filepath.Join(h.dbDir, "runs", fmtID(runID), "artifacts"), nil
}

func (h *handler) serveArtifacts(w http.ResponseWriter, r *http.Request, rest string) (any, error) {
	switch {
	case rest == "" && r.Method == http.MethodGet:
		return h.listProxiedArtifacts(r)
	case rest != "" && r.Method == http.MethodGet:
		return h.downloadArtifact(w, r, rest)
	case rest != "" && r.Method == http.MethodPut:
		return h.uploadArtifact(r, rest)
	}
	w.Header().Set("Allow", "GET, PUT")
	return nil, apiErr(http.StatusMethodNotAllowed, CodeBadRequest, "%s is not served for %s", r.Method, r.URL.Path)
}

// artifactTarget checks a proxied artifact path and resolves its run and directory.
func (h *handler) artifactTarget(ctx context.Context, p string) (ref store.RunRef, uuid, dir, rel string, err error) {
	if err := checkPath(p); err != nil {
		return ref, "", "", "", err
	}
	uuid, rel, ok := splitArtifactPath(p)
	if !ok {
		return ref, "", "", "", notFound("'%s' is not under any run's artifacts (<experiment>/<run id>/artifacts/...)", truncate(p, 200))
	}
	if ref, err = h.runRef(ctx, uuid); err != nil {
		return ref, "", "", "", err
	}
	dir, err = h.artifactDir(ctx, ref.ID)
	return ref, uuid, dir, rel, err
}

func (h *handler) uploadArtifact(r *http.Request, p string) (any, error) {
	ctx := r.Context()
	ref, _, dir, rel, err := h.artifactTarget(ctx, p)
	if err != nil {
		return nil, err
	}
	if ref.Deleted {
		return nil, invalidParam("The run must be in the 'active' state to log artifacts. Current state is deleted.")
	}
	if rel == "" {
		return nil, invalidParam("an artifact upload needs a file name: '%s'", truncate(p, 200))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("artifact directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("artifact directory: %w", err)
	}
	defer root.Close()
	if d := path.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return nil, invalidParam("cannot create the artifact directory '%s': %v", d, err)
		}
	}
	var nonce [8]byte
	rand.Read(nonce[:])
	tmp := rel + uploadMarker + hex.EncodeToString(nonce[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, invalidParam("cannot write artifact '%s': %v", rel, err)
	}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, hash), io.LimitReader(r.Body, h.opt.MaxArtifactBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > h.opt.MaxArtifactBytes {
		err = invalidParam("artifact '%s' is over the limit of %d bytes", rel, h.opt.MaxArtifactBytes)
	}
	if err != nil {
		root.Remove(tmp)
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, badRequest("receiving artifact '%s': %v", rel, err)
	}
	if err := root.Rename(tmp, rel); err != nil {
		root.Remove(tmp)
		return nil, invalidParam("cannot store artifact '%s': %v", rel, err)
	}
	if err := h.s.RecordArtifact(ctx, store.Artifact{RunID: ref.ID, Path: rel, Size: n, Hash: hex.EncodeToString(hash.Sum(nil))}); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

// inlineUnsafe are content types a browser would run; artifacts are served as text instead.
var inlineUnsafe = map[string]bool{"text/html": true, "image/svg+xml": true, "application/javascript": true,
	"text/javascript": true, "application/xhtml+xml": true}

func (h *handler) downloadArtifact(w http.ResponseWriter, r *http.Request, p string) (any, error) {
	_, _, dir, rel, err := h.artifactTarget(r.Context(), p)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound("artifact '%s' does not exist", rel)
	} else if err != nil {
		return nil, fmt.Errorf("artifact directory: %w", err)
	}
	defer root.Close()
	f, err := root.Open(cleanRel(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound("artifact '%s' does not exist", rel)
	} else if err != nil {
		return nil, invalidParam("cannot read artifact '%s': %v", rel, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("artifact '%s': %w", rel, err)
	}
	if st.IsDir() {
		return nil, invalidParam("'%s' is a directory; list it instead", rel)
	}
	ctype, _, _ := strings.Cut(mime.TypeByExtension(path.Ext(rel)), ";")
	switch {
	case ctype == "":
		ctype = "application/octet-stream"
	case inlineUnsafe[ctype]:
		ctype = "text/plain"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil, nil
}

// artifactEntry is one entry of a listed artifact directory.
type artifactEntry struct {
	name  string
	isDir bool
	size  int64
}

// listArtifactDir lists the directory rel of a run's artifacts. A directory that does not exist,
// or a file, lists as empty (as MLflow's local artifact store does).
func listArtifactDir(dir, rel string) ([]artifactEntry, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("artifact directory: %w", err)
	}
	defer root.Close()
	if rel == "" {
		rel = "."
	}
	d, err := root.Open(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, invalidParam("cannot list '%s': %v", rel, err)
	}
	defer d.Close()
	if st, err := d.Stat(); err != nil || !st.IsDir() {
		return nil, nil
	}
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("list '%s': %w", rel, err)
	}
	var out []artifactEntry
	for _, e := range ents {
		if strings.Contains(e.Name(), uploadMarker) {
			continue
		}
		st, err := root.Stat(path.Join(rel, e.Name())) // follows links that stay inside; others are skipped
		if err != nil {
			continue
		}
		out = append(out, artifactEntry{e.Name(), st.IsDir(), st.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

func fileInfos(prefix string, ents []artifactEntry) []fileInfoOut {
	if len(ents) == 0 {
		return nil
	}
	out := make([]fileInfoOut, len(ents))
	for i, e := range ents {
		out[i] = fileInfoOut{Path: e.name, IsDir: e.isDir}
		if prefix != "" {
			out[i].Path = prefix + "/" + e.name
		}
		if !e.isDir {
			size := e.size
			out[i].FileSize = &size
		}
	}
	return out
}

// listProxiedArtifacts answers GET /api/2.0/mlflow-artifacts/artifacts?path=: the entries of one
// directory, by base name.
func (h *handler) listProxiedArtifacts(r *http.Request) (any, error) {
	p := r.URL.Query().Get("path")
	if err := checkPath(p); err != nil {
		return nil, err
	}
	uuid, rel, ok := splitArtifactPath(p)
	if !ok {
		return emptyObject, nil // above any run's artifacts: nothing to list
	}
	ref, err := h.runRef(r.Context(), uuid)
	if err != nil {
		return nil, err
	}
	dir, err := h.artifactDir(r.Context(), ref.ID)
	if err != nil {
		return nil, err
	}
	ents, err := listArtifactDir(dir, rel)
	if err != nil {
		return nil, err
	}
	return struct {
		Files []fileInfoOut `json:"files,omitempty"`
	}{fileInfos("", ents)}, nil
}

// listRunArtifacts answers GET /api/2.0/mlflow/artifacts/list?run_id=&path=: the entries of one
// directory, by path from the run's artifact root.
func (h *handler) listRunArtifacts(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID     optString `json:"run_id"`
		RunUUID   optString `json:"run_uuid"`
		Path      optString `json:"path"`
		PageToken optString `json:"page_token"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	uuid := runIDOf(req.RunID, req.RunUUID)
	ref, err := h.runRef(ctx, uuid)
	if err != nil {
		return nil, err
	}
	if err := checkPath(req.Path.V); err != nil {
		return nil, err
	}
	rel := cleanRel(req.Path.V)
	dir, err := h.artifactDir(ctx, ref.ID)
	if err != nil {
		return nil, err
	}
	ents, err := listArtifactDir(dir, rel)
	if err != nil {
		return nil, err
	}
	loc, err := h.artifactLocation(ctx, ref.ExperimentID)
	if err != nil {
		return nil, err
	}
	return struct {
		RootURI string        `json:"root_uri"`
		Files   []fileInfoOut `json:"files,omitempty"`
	}{loc + "/" + uuid + "/artifacts", fileInfos(rel, ents)}, nil
}

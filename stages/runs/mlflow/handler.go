// Package mlflow serves the MLflow tracking REST API over mlwb's store, so that training code
// using the MLflow client (MlflowClient, mlflow.log_metric, mlflow.start_run, artifact logging)
// records into an mlwb project unchanged: point MLFLOW_TRACKING_URI at it.
//
// It serves /api/2.0/mlflow/ (experiments, runs, metrics, params, tags, artifact listing) and
// /api/2.0/mlflow-artifacts/artifacts (upload, download, list), with MLflow's field names, error
// codes and request limits. Metric points of concurrent requests are stored by a group-commit
// writer: one transaction per group of waiting requests, each acknowledged once its points are
// stored.
package mlflow

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Request limits, as MLflow's.
const (
	MaxBatchBytes      = 1_000_000 // a log-batch request body
	MaxBatchMetrics    = 1000
	MaxBatchParamsTags = 100 // params, and tags, each
	MaxBatchEntities   = 1000
	MaxKeyLen          = 250
	MaxParamValueLen   = 6000
	MaxTagValueLen     = 8000
	MaxExperimentName  = 500
	MaxExpTagValueLen  = 5000
	MaxSearchResults   = 50000
	defaultMaxResults  = 1000
	maxRequestBytes    = 4 << 20 // any other request body
	defaultArtifactMax = 10 << 30
	maxGroupPoints     = 50000 // points of one group commit (more wait for the next)
)

// Options configure the handler.
type Options struct {
	// ArtifactRoot is the directory of a run's artifacts. Default: the run's artifact_dir when it
	// has one, else <directory of the database>/runs/<run id>/artifacts.
	ArtifactRoot func(runID int64) string
	// Token, when not empty, is required of every request as "Authorization: Bearer <token>"
	// (what the MLflow client sends when MLFLOW_TRACKING_TOKEN is set).
	Token string
	// Logger receives server errors and, at debug level, each request. Default: discard.
	Logger *slog.Logger
	// MaxArtifactBytes bounds one uploaded artifact; default 10 GiB.
	MaxArtifactBytes int64

	// perRequestWrites stores each request's metric points in a transaction of its own instead
	// of through the group-commit writer: the baseline the benchmarks compare against.
	perRequestWrites bool
}

// handler serves the API.
type handler struct {
	s      *store.Store
	opt    Options
	log    *slog.Logger
	dbDir  string
	writer *groupWriter
	routes map[string]route

	runsMu sync.RWMutex
	runs   map[string]cachedRun // run uuid -> what the write paths need

	expMu   sync.RWMutex
	expLocs map[int64]string // experiment id -> artifact location (never changes)
}

type route struct {
	methods []string
	fn      func(h *handler, w http.ResponseWriter, r *http.Request) (any, error)
}

type cachedRun struct {
	ref store.RunRef
	at  time.Time
}

// runCacheTTL bounds how long a run's lifecycle is trusted from the cache: another process may
// delete or restore a run; this handler's own changes update the cache at once.
const runCacheTTL = time.Second

// NewHandler returns the MLflow tracking API over s. It holds no goroutine while idle, so it needs
// no closing: stop the http.Server that serves it (Shutdown waits for requests whose points are
// being stored).
func NewHandler(s *store.Store, opt Options) http.Handler {
	h := &handler{s: s, opt: opt, log: opt.Logger, dbDir: filepath.Dir(s.Path()),
		runs: map[string]cachedRun{}, expLocs: map[int64]string{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.opt.MaxArtifactBytes <= 0 {
		h.opt.MaxArtifactBytes = defaultArtifactMax
	}
	h.writer = newGroupWriter(s.WriteMetrics, maxGroupPoints)
	h.routes = map[string]route{
		"experiments/create":                {post, (*handler).createExperiment},
		"experiments/get":                   {get, (*handler).getExperiment},
		"experiments/get-by-name":           {get, (*handler).getExperimentByName},
		"experiments/search":                {getPost, (*handler).searchExperiments},
		"experiments/delete":                {post, (*handler).deleteExperiment},
		"experiments/restore":               {post, (*handler).restoreExperiment},
		"experiments/update":                {post, (*handler).updateExperiment},
		"experiments/set-experiment-tag":    {post, (*handler).setExperimentTag},
		"experiments/delete-experiment-tag": {post, (*handler).deleteExperimentTag},
		"runs/create":                       {post, (*handler).createRun},
		"runs/get":                          {get, (*handler).getRun},
		"runs/update":                       {post, (*handler).updateRun},
		"runs/delete":                       {post, (*handler).deleteRun},
		"runs/restore":                      {post, (*handler).restoreRun},
		"runs/search":                       {getPost, (*handler).searchRuns},
		"runs/log-metric":                   {post, (*handler).logMetric},
		"runs/log-batch":                    {post, (*handler).logBatch},
		"runs/log-parameter":                {post, (*handler).logParam},
		"runs/set-tag":                      {post, (*handler).setTag},
		"runs/delete-tag":                   {post, (*handler).deleteTag},
		"runs/log-inputs":                   {post, (*handler).logInputs},
		"metrics/get-history":               {get, (*handler).getMetricHistory},
		"artifacts/list":                    {get, (*handler).listRunArtifacts},
	}
	return h
}

var (
	get     = []string{http.MethodGet}
	post    = []string{http.MethodPost}
	getPost = []string{http.MethodGet, http.MethodPost}
)

// API path prefixes. MLflow serves its REST API under /api/2.0/mlflow/ and, for old clients,
// /api/2.0/preview/mlflow/; the proxied artifact store under /api/2.0/mlflow-artifacts/artifacts.
const (
	apiPrefix         = "/api/2.0/mlflow/"
	apiPreviewPrefix  = "/api/2.0/preview/mlflow/"
	artifactsEndpoint = "/api/2.0/mlflow-artifacts/artifacts"
)

// ServeHTTP authenticates the request, routes it, and writes the answer as JSON.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.Error("mlflow api: panic", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			writeError(w, apiErr(http.StatusInternalServerError, CodeInternalError, "internal error"))
		}
	}()
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mlwb"`)
		writeError(w, apiErr(http.StatusUnauthorized, CodeUnauthenticated, "a valid bearer token is required (set MLFLOW_TRACKING_TOKEN)"))
		return
	}
	var resp any
	var err error
	p := r.URL.Path
	switch {
	case p == artifactsEndpoint || strings.HasPrefix(p, artifactsEndpoint+"/"):
		resp, err = h.serveArtifacts(w, r, strings.TrimPrefix(strings.TrimPrefix(p, artifactsEndpoint), "/"))
	case strings.HasPrefix(p, apiPrefix) || strings.HasPrefix(p, apiPreviewPrefix):
		name := strings.TrimPrefix(strings.TrimPrefix(p, apiPrefix), apiPreviewPrefix)
		rt, ok := h.routes[name]
		if !ok {
			err = apiErr(http.StatusNotFound, CodeEndpointNotFound, "no endpoint %s", p)
			break
		}
		if !allowed(rt.methods, r.Method) {
			w.Header().Set("Allow", strings.Join(rt.methods, ", "))
			err = apiErr(http.StatusMethodNotAllowed, CodeBadRequest, "%s takes %s, not %s", p, strings.Join(rt.methods, " or "), r.Method)
			break
		}
		resp, err = rt.fn(h, w, r)
	default:
		err = apiErr(http.StatusNotFound, CodeEndpointNotFound, "no endpoint %s", p)
	}
	if err != nil {
		ae := toAPIError(err)
		if ae.Status >= 500 {
			h.log.Error("mlflow api", "method", r.Method, "path", p, "err", err)
		}
		writeError(w, ae)
	} else if resp != nil {
		writeJSON(w, http.StatusOK, resp)
	}
	h.log.Debug("mlflow api", "method", r.Method, "path", p, "took", time.Since(start), "err", err)
}

func allowed(methods []string, m string) bool {
	for _, x := range methods {
		if x == m {
			return true
		}
	}
	return false
}

func (h *handler) authorized(r *http.Request) bool {
	if h.opt.Token == "" {
		return true
	}
	auth := r.Header.Get("Authorization")
	const scheme = "bearer "
	if len(auth) <= len(scheme) || !strings.EqualFold(auth[:len(scheme)], scheme) {
		return false
	}
	got := strings.TrimSpace(auth[len(scheme):])
	return subtle.ConstantTimeCompare([]byte(got), []byte(h.opt.Token)) == 1
}

// emptyObject is the answer of calls that return nothing.
var emptyObject = json.RawMessage("{}")

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	switch x := v.(type) {
	case json.RawMessage:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			writeError(w, apiErr(http.StatusInternalServerError, CodeInternalError, "encode response: %v", err))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, e *APIError) {
	b, _ := json.Marshal(struct {
		ErrorCode string `json:"error_code"`
		Message   string `json:"message"`
	}{e.Code, e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status)
	w.Write(b)
}

// readBody reads a request body of at most limit bytes; a longer one is tooBig's error.
func readBody(r *http.Request, limit int64, tooBig func(n int64) *APIError) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooBig(r.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(min(r.ContentLength, limit), 512)+1))
	n, err := io.Copy(buf, io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, badRequest("reading the request body: %v", err)
	}
	if n > limit {
		return nil, tooBig(n)
	}
	return buf.Bytes(), nil
}

// decode fills dst from the request: the JSON body of a POST, or the query string of a GET.
// repeated names the fields that are lists (for query strings, where one value looks like a scalar).
func decode(r *http.Request, dst any, repeated ...string) error {
	if r.Method == http.MethodGet {
		return decodeQuery(r.URL.Query(), dst, repeated...)
	}
	body, err := readBody(r, maxRequestBytes, func(n int64) *APIError {
		return invalidParam("request body of %d bytes is over the limit of %d bytes", n, maxRequestBytes)
	})
	if err != nil {
		return err
	}
	return decodeJSON(body, dst)
}

func decodeJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}") // MLflow treats an empty body as an empty message
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return badRequest("Invalid request body: field %q should be %s, got %s", te.Field, te.Type, te.Value)
		}
		if errors.Is(err, errWrongType) {
			return badRequest("Invalid request body: %v", err)
		}
		return badRequest("Invalid request body: malformed JSON: %v", err)
	}
	return nil
}

// queryIndex matches the array suffixes that query-string encoders add: name[] and name[0].
var queryIndex = regexp.MustCompile(`^(.*)\[\d*\]$`)

// decodeQuery turns a query string into JSON-like values (strings, lists for repeated names)
// and decodes them into dst, whose number types take numeric strings.
func decodeQuery(q url.Values, dst any, repeated ...string) error {
	m := map[string]any{}
	rep := map[string]bool{}
	for _, n := range repeated {
		rep[n] = true
	}
	for k, vs := range q {
		if sm := queryIndex.FindStringSubmatch(k); sm != nil {
			k = sm[1]
		}
		if rep[k] {
			prev, _ := m[k].([]string)
			m[k] = append(prev, vs...)
		} else if len(vs) > 0 {
			m[k] = vs[len(vs)-1]
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return badRequest("query string: %v", err)
	}
	return decodeJSON(b, dst)
}

// runRef resolves a run uuid for a write path, from the cache while it is fresh.
func (h *handler) runRef(ctx context.Context, uuid string) (store.RunRef, error) {
	if uuid == "" {
		return store.RunRef{}, missingParam("run_id")
	}
	h.runsMu.RLock()
	c, ok := h.runs[uuid]
	h.runsMu.RUnlock()
	if ok && time.Since(c.at) < runCacheTTL {
		return c.ref, nil
	}
	ref, err := h.s.LookupRun(ctx, uuid)
	if errors.Is(err, store.ErrNotFound) {
		return ref, notFound("Run with id=%s not found", uuid)
	}
	if err != nil {
		return ref, err
	}
	h.cacheRun(uuid, ref)
	return ref, nil
}

func (h *handler) cacheRun(uuid string, ref store.RunRef) {
	h.runsMu.Lock()
	if len(h.runs) > 100000 {
		clear(h.runs)
	}
	h.runs[uuid] = cachedRun{ref, time.Now()}
	h.runsMu.Unlock()
}

// activeRun resolves a run that is to be written: it must exist and not be deleted.
func (h *handler) activeRun(ctx context.Context, uuid string) (store.RunRef, error) {
	ref, err := h.runRef(ctx, uuid)
	if err != nil {
		return ref, err
	}
	if ref.Deleted {
		return ref, invalidParam("The run %s must be in the 'active' state. Current state is deleted.", uuid)
	}
	return ref, nil
}

// artifactLocation is an experiment's artifact location: as given at creation, else the proxied
// artifact store's mlflow-artifacts:/<id>, which the MLflow client uploads through this API.
func (h *handler) artifactLocation(ctx context.Context, expID int64) (string, error) {
	h.expMu.RLock()
	loc, ok := h.expLocs[expID]
	h.expMu.RUnlock()
	if ok {
		return loc, nil
	}
	e, err := h.s.GetExperiment(ctx, expID)
	if errors.Is(err, store.ErrNotFound) {
		loc = defaultArtifactLocation(expID)
	} else if err != nil {
		return "", err
	} else {
		loc = experimentLocation(e)
	}
	h.expMu.Lock()
	h.expLocs[expID] = loc
	h.expMu.Unlock()
	return loc, nil
}

func defaultArtifactLocation(expID int64) string {
	return "mlflow-artifacts:/" + strconv.FormatInt(expID, 10)
}

func experimentLocation(e *store.Experiment) string {
	if e.ArtifactLocation != "" {
		return e.ArtifactLocation
	}
	return defaultArtifactLocation(e.ID)
}

// nowMS is the current time in Unix milliseconds.
func nowMS() int64 { return time.Now().UnixMilli() }

// parseID parses a numeric id given as a string.
func parseID(what, s string) (int64, error) {
	if s == "" {
		return 0, missingParam(what)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id < 0 {
		return 0, notFound("No %s with id=%s exists", strings.TrimSuffix(what, "_id"), truncate(s, 64))
	}
	return id, nil
}

func fmtID(id int64) string { return strconv.FormatInt(id, 10) }

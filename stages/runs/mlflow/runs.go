package mlflow

import (
	"context"
	"errors"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"time"

	"github.com/mlwb/mlwb/store"
)

// runNameTag is the tag MLflow keeps equal to a run's name.
const runNameTag = "mlflow.runName"

// toMLflowStatus maps mlwb's run statuses to MLflow's RunStatus names.
func toMLflowStatus(s string) string {
	switch s {
	case store.StatusRunning:
		return "RUNNING"
	case store.StatusQueued:
		return "SCHEDULED"
	case store.StatusFinished:
		return "FINISHED"
	case store.StatusKilled:
		return "KILLED"
	}
	return "FAILED" // failed, and lost (its supervisor died without recording an end)
}

// ourStatuses maps an MLflow status to the mlwb statuses it stands for.
func ourStatuses(mlflow string) []string {
	switch mlflow {
	case "RUNNING":
		return []string{store.StatusRunning}
	case "SCHEDULED":
		return []string{store.StatusQueued}
	case "FINISHED":
		return []string{store.StatusFinished}
	case "KILLED":
		return []string{store.StatusKilled}
	case "FAILED":
		return []string{store.StatusFailed, store.StatusLost}
	}
	return nil
}

// validNameRE is MLflow's rule for metric, param and tag names: alphanumerics, underscores,
// dashes, periods, spaces, colons and slashes.
var validNameRE = regexp.MustCompile(`^[/\pL\pN_.\- :]*$`)

// validateName checks a metric, param or tag key as MLflow does.
func validateName(what string, k optString) error {
	if !k.Set {
		return missingParam("key")
	}
	name := k.V
	if !validNameRE.MatchString(name) {
		return invalidParam("Invalid %s name: '%s'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).", what, truncate(name, 250))
	}
	if norm := path.Clean(name); norm != name || norm == "." || len(norm) >= 2 && norm[:2] == ".." || norm[0] == '/' {
		return invalidParam("Invalid %s name: '%s'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '%s'", what, truncate(name, 250), norm)
	}
	if len(name) > MaxKeyLen {
		return invalidParam("%s name '%s' had length %d, which exceeded length limit of %d", what, truncate(name, 250), len(name), MaxKeyLen)
	}
	return nil
}

func validateParam(p kvIn) error { return validateKV("param", "Param", p, MaxParamValueLen) }

func validateTag(t kvIn) error { return validateKV("tag", "Tag", t, MaxTagValueLen) }

// validateKV checks a param or tag as MLflow does: a valid key, a value present and within
// maxLen bytes. what names it in key errors, title in value errors (MLflow's wording).
func validateKV(what, title string, kv kvIn, maxLen int) error {
	if err := validateName(what, kv.Key); err != nil {
		return err
	}
	if !kv.Value.Set {
		return missingParam("value")
	}
	if len(kv.Value.V) > maxLen {
		return invalidParam("%s value '%s' had length %d, which exceeded length limit of %d", title, truncate(kv.Value.V, 250), len(kv.Value.V), maxLen)
	}
	return nil
}

// runIDOf returns run_id, or the deprecated run_uuid.
func runIDOf(runID, runUUID optString) string {
	if runID.V != "" {
		return runID.V
	}
	return runUUID.V
}

// runInfo builds a RunInfo.
func (h *handler) runInfo(ctx context.Context, e *store.RunEntry) (runInfoOut, error) {
	loc, err := h.artifactLocation(ctx, e.ExperimentID)
	if err != nil {
		return runInfoOut{}, err
	}
	start := e.Started
	if start.IsZero() {
		start = e.Created
	}
	info := runInfoOut{
		RunUUID:        e.UUID,
		RunID:          e.UUID,
		RunName:        e.Name,
		ExperimentID:   fmtID(e.ExperimentID),
		UserID:         e.User,
		Status:         toMLflowStatus(e.Status),
		StartTime:      start.UnixMilli(),
		ArtifactURI:    loc + "/" + e.UUID + "/artifacts",
		LifecycleStage: store.LifecycleActive,
	}
	if !e.Ended.IsZero() {
		end := e.Ended.UnixMilli()
		info.EndTime = &end
	}
	if !e.Deleted.IsZero() {
		info.LifecycleStage = store.LifecycleDeleted
	}
	return info, nil
}

// runsJSON builds full Runs (info, latest metrics, params, tags) for entries, reading the data of
// all of them at once.
func (h *handler) runsJSON(ctx context.Context, entries []*store.RunEntry) ([]runOut, error) {
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	params, err := h.s.Params(ctx, ids)
	if err != nil {
		return nil, err
	}
	tags, err := h.s.Tags(ctx, ids)
	if err != nil {
		return nil, err
	}
	sums, err := h.s.Summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]runOut, len(entries))
	for i, e := range entries {
		info, err := h.runInfo(ctx, e)
		if err != nil {
			return nil, err
		}
		out[i].Info = info
		out[i].Data.Params = sortedKV(params[e.ID])
		out[i].Data.Tags = sortedKV(tags[e.ID])
		for _, s := range sums[e.ID] {
			out[i].Data.Metrics = append(out[i].Data.Metrics, metricOut{Key: s.Key, Value: jsonFloat(s.Last), Timestamp: s.LastTime, Step: s.LastStep})
		}
	}
	return out, nil
}

type runResp struct {
	Run runOut `json:"run"`
}

// runByUUID answers with one full run.
func (h *handler) runByUUID(ctx context.Context, uuid string) (runResp, error) {
	if uuid == "" {
		return runResp{}, missingParam("run_id")
	}
	e, err := h.s.GetRunEntry(ctx, uuid)
	if errors.Is(err, store.ErrNotFound) {
		return runResp{}, notFound("Run with id=%s not found", uuid)
	}
	if err != nil {
		return runResp{}, err
	}
	runs, err := h.runsJSON(ctx, []*store.RunEntry{e})
	if err != nil {
		return runResp{}, err
	}
	return runResp{runs[0]}, nil
}

func (h *handler) createRun(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentID optID     `json:"experiment_id"`
		UserID       optString `json:"user_id"`
		RunName      optString `json:"run_name"`
		StartTime    optInt    `json:"start_time"`
		Tags         []kvIn    `json:"tags"`
	}
	if err := decode(r, &req, "tags"); err != nil {
		return nil, err
	}
	ctx := r.Context()
	expID := store.DefaultExperimentID
	if req.ExperimentID.V != "" {
		e, err := h.experiment(r, req.ExperimentID.V)
		if err != nil {
			return nil, err
		}
		if e.LifecycleStage != store.LifecycleActive {
			return nil, invalidParam("The experiment %d must be in the 'active' state. Current state is deleted.", e.ID)
		}
		expID = e.ID
	}
	tags := map[string]string{}
	for _, t := range req.Tags {
		if err := validateTag(t); err != nil {
			return nil, err
		}
		tags[t.Key.V] = t.Value.V
	}
	name := req.RunName.V
	if tagName, ok := tags[runNameTag]; ok && name != "" && tagName != name {
		return nil, invalidParam("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='%s', mlflow.runName='%s').", name, tagName)
	} else if ok && name == "" {
		name = tagName
	}
	if name == "" {
		name = randomRunName()
	}
	tags[runNameTag] = name
	start := time.Now()
	if req.StartTime.Set && req.StartTime.V > 0 {
		start = time.UnixMilli(req.StartTime.V)
	}
	run := &store.Run{ExperimentID: expID, Name: name, Status: store.StatusRunning, Source: "mlflow",
		User: req.UserID.V, Started: start}
	if err := h.s.CreateRun(ctx, run, nil, tags); err != nil {
		return nil, err
	}
	h.cacheRun(run.UUID, store.RunRef{ID: run.ID, ExperimentID: expID})
	return h.runByUUID(ctx, run.UUID)
}

func (h *handler) getRun(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID   optString `json:"run_id"`
		RunUUID optString `json:"run_uuid"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return h.runByUUID(r.Context(), runIDOf(req.RunID, req.RunUUID))
}

func (h *handler) updateRun(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID   optString `json:"run_id"`
		RunUUID optString `json:"run_uuid"`
		Status  enumValue `json:"status"`
		EndTime optInt    `json:"end_time"`
		RunName optString `json:"run_name"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	uuid := runIDOf(req.RunID, req.RunUUID)
	ref, err := h.activeRun(ctx, uuid)
	if err != nil {
		return nil, err
	}
	var u store.RunUpdate
	if req.Status.Set {
		st, ok := req.Status.pick(runStatusNames)
		if !ok {
			return nil, invalidParam("Invalid run status %q: expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED", req.Status.Name)
		}
		u.Status = ourStatuses(st)[0]
	}
	if req.EndTime.Set {
		if req.EndTime.V < 0 {
			return nil, invalidParam("end_time must not be negative")
		}
		u.Ended = time.UnixMilli(req.EndTime.V)
	}
	if req.RunName.V != "" {
		u.Name = &req.RunName.V
	}
	if u.Status != "" || !u.Ended.IsZero() {
		// A run mlwb supervises ends when its process does, with the process's exit status:
		// the client's end_run (which an MLflow script calls before it exits) must not end it
		// first and hide a crash after it.
		run, err := h.s.GetRun(ctx, ref.ID)
		if err != nil {
			return nil, err
		}
		if run.SupervisorPID != 0 && (run.Status == store.StatusRunning || run.Status == store.StatusQueued) {
			u.Status, u.Ended = "", time.Time{}
		}
	}
	if err := h.s.UpdateRun(ctx, ref.ID, u); err != nil {
		return nil, err
	}
	if u.Name != nil {
		if err := h.s.LogParamsAndTags(ctx, ref.ID, nil, []store.KV{{Key: runNameTag, Value: *u.Name}}); err != nil {
			return nil, err
		}
	}
	e, err := h.s.GetRunEntry(ctx, uuid)
	if err != nil {
		return nil, err
	}
	info, err := h.runInfo(ctx, e)
	if err != nil {
		return nil, err
	}
	return struct {
		RunInfo runInfoOut `json:"run_info"`
	}{info}, nil
}

type runIDReq struct {
	RunID   optString `json:"run_id"`
	RunUUID optString `json:"run_uuid"`
}

func (h *handler) deleteRun(w http.ResponseWriter, r *http.Request) (any, error) {
	return h.setRunLifecycle(r, true)
}

func (h *handler) restoreRun(w http.ResponseWriter, r *http.Request) (any, error) {
	return h.setRunLifecycle(r, false)
}

func (h *handler) setRunLifecycle(r *http.Request, deleted bool) (any, error) {
	var req runIDReq
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	uuid := runIDOf(req.RunID, req.RunUUID)
	ref, err := h.runRef(ctx, uuid)
	if err != nil {
		return nil, err
	}
	if deleted {
		err = h.s.DeleteRun(ctx, ref.ID)
	} else {
		err = h.s.RestoreRun(ctx, ref.ID)
	}
	if err != nil {
		return nil, err
	}
	ref.Deleted = deleted
	h.cacheRun(uuid, ref)
	return emptyObject, nil
}

func (h *handler) searchRuns(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentIDs stringList `json:"experiment_ids"`
		Filter        optString  `json:"filter"`
		RunViewType   enumValue  `json:"run_view_type"`
		MaxResults    optInt     `json:"max_results"`
		OrderBy       stringList `json:"order_by"`
		PageToken     optString  `json:"page_token"`
	}
	if err := decode(r, &req, "experiment_ids", "order_by"); err != nil {
		return nil, err
	}
	limit, err := maxResults(req.MaxResults)
	if err != nil {
		return nil, err
	}
	offset, err := decodePageToken(req.PageToken.V)
	if err != nil {
		return nil, err
	}
	view, err := viewType(req.RunViewType)
	if err != nil {
		return nil, err
	}
	var expIDs []int64
	for _, s := range req.ExperimentIDs {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue // no such experiment: it has no runs
		}
		expIDs = append(expIDs, id)
	}
	clauses, err := ParseFilter(req.Filter.V)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	filters, err := runFilters(clauses)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	orders, err := runOrders(req.OrderBy)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	entries, err := h.s.SearchRuns(r.Context(), store.RunSearch{ExperimentIDs: expIDs, Filters: filters,
		Order: orders, Lifecycle: view, Limit: limit + 1, Offset: offset})
	if err != nil {
		return nil, err
	}
	var resp struct {
		Runs          []runOut `json:"runs,omitempty"`
		NextPageToken string   `json:"next_page_token,omitempty"`
	}
	if len(entries) > limit {
		entries = entries[:limit]
		resp.NextPageToken = encodePageToken(offset + limit)
	}
	if resp.Runs, err = h.runsJSON(r.Context(), entries); err != nil {
		return nil, err
	}
	if len(resp.Runs) == 0 {
		resp.Runs = nil
	}
	return resp, nil
}

func (h *handler) logParam(w http.ResponseWriter, r *http.Request) (any, error) {
	ctx := r.Context()
	ref, kv, err := h.runKV(r, validateParam)
	if err != nil {
		return nil, err
	}
	if err := h.s.LogParams(ctx, ref.ID, []store.KV{kv}); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

// runKV decodes the body log-parameter and set-tag share ({run_id|run_uuid, key, value}),
// finds the active run and validates the pair.
func (h *handler) runKV(r *http.Request, validate func(kvIn) error) (store.RunRef, store.KV, error) {
	var req struct {
		RunID   optString `json:"run_id"`
		RunUUID optString `json:"run_uuid"`
		Key     optString `json:"key"`
		Value   optString `json:"value"`
	}
	if err := decode(r, &req); err != nil {
		return store.RunRef{}, store.KV{}, err
	}
	ref, err := h.activeRun(r.Context(), runIDOf(req.RunID, req.RunUUID))
	if err != nil {
		return store.RunRef{}, store.KV{}, err
	}
	if err := validate(kvIn{req.Key, req.Value}); err != nil {
		return store.RunRef{}, store.KV{}, err
	}
	return ref, store.KV{Key: req.Key.V, Value: req.Value.V}, nil
}

// setTags sets run tags, keeping the run's name in step with its mlflow.runName tag.
func (h *handler) setParamsAndTags(ctx context.Context, runID int64, params, tags []store.KV) error {
	if err := h.s.LogParamsAndTags(ctx, runID, params, tags); err != nil {
		return err
	}
	for i := len(tags) - 1; i >= 0; i-- {
		if tags[i].Key == runNameTag {
			name := tags[i].Value
			return h.s.UpdateRun(ctx, runID, store.RunUpdate{Name: &name})
		}
	}
	return nil
}

func (h *handler) setTag(w http.ResponseWriter, r *http.Request) (any, error) {
	ref, kv, err := h.runKV(r, validateTag)
	if err != nil {
		return nil, err
	}
	if err := h.setParamsAndTags(r.Context(), ref.ID, nil, []store.KV{kv}); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

func (h *handler) deleteTag(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID optString `json:"run_id"`
		Key   optString `json:"key"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	ref, err := h.activeRun(ctx, req.RunID.V)
	if err != nil {
		return nil, err
	}
	if req.Key.V == "" {
		return nil, missingParam("key")
	}
	if err := h.s.DeleteRunTag(ctx, ref.ID, req.Key.V); errors.Is(err, store.ErrNotFound) {
		return nil, notFound("No tag with name: %s in run with id %s", req.Key.V, req.RunID.V)
	} else if err != nil {
		return nil, err
	}
	return emptyObject, nil
}

// logInputs accepts dataset inputs and drops them: mlwb links datasets to runs itself, by
// content hash, when it launches them.
func (h *handler) logInputs(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID optString `json:"run_id"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if _, err := h.activeRun(r.Context(), req.RunID.V); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

package mlflow

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/mlwb/mlwb/store"
)

func experimentJSON(e *store.Experiment) experimentOut {
	out := experimentOut{
		ExperimentID:     fmtID(e.ID),
		Name:             e.Name,
		ArtifactLocation: experimentLocation(e),
		LifecycleStage:   e.LifecycleStage,
		LastUpdateTime:   e.Updated.UnixMilli(),
		CreationTime:     e.Created.UnixMilli(),
	}
	out.Tags = sortedKV(e.Tags)
	return out
}

func sortedKV(m map[string]string) []kvOut {
	if len(m) == 0 {
		return nil
	}
	out := make([]kvOut, 0, len(m))
	for k, v := range m {
		out = append(out, kvOut{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// validateExperimentTag checks an experiment tag as MLflow does.
func validateExperimentTag(t kvIn) error { return validateKV("tag", "Tag", t, MaxExpTagValueLen) }

func (h *handler) createExperiment(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		Name             optString `json:"name"`
		ArtifactLocation optString `json:"artifact_location"`
		Tags             []kvIn    `json:"tags"`
	}
	if err := decode(r, &req, "tags"); err != nil {
		return nil, err
	}
	if !req.Name.Set || req.Name.V == "" {
		return nil, missingParam("name")
	}
	if len(req.Name.V) > MaxExperimentName {
		return nil, invalidParam("Experiment name exceeds the maximum length of %d characters", MaxExperimentName)
	}
	if strings.HasPrefix(req.ArtifactLocation.V, "runs:") {
		return nil, invalidParam("Artifact location cannot be a runs:/ URI. Given: '%s'", req.ArtifactLocation.V)
	}
	tags := map[string]string{}
	for _, t := range req.Tags {
		if err := validateExperimentTag(t); err != nil {
			return nil, err
		}
		tags[t.Key.V] = t.Value.V
	}
	id, err := h.s.CreateExperiment(r.Context(), req.Name.V, req.ArtifactLocation.V, tags)
	if errors.Is(err, store.ErrExists) {
		if e, gerr := h.s.GetExperimentByName(r.Context(), req.Name.V); gerr == nil && e.LifecycleStage == store.LifecycleDeleted {
			return nil, &APIError{Status: http.StatusBadRequest, Code: CodeResourceAlreadyExists, err: err,
				Message: "Experiment '" + req.Name.V + "' already exists in deleted state. You can restore the experiment, or permanently delete it from the .trash folder under the experiment's artifact location."}
		}
		return nil, &APIError{Status: http.StatusBadRequest, Code: CodeResourceAlreadyExists, err: err,
			Message: "Experiment(name=" + req.Name.V + ") already exists."}
	}
	if err != nil {
		return nil, err
	}
	return struct {
		ExperimentID string `json:"experiment_id"`
	}{fmtID(id)}, nil
}

type experimentResp struct {
	Experiment experimentOut `json:"experiment"`
}

func (h *handler) getExperiment(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentID optID `json:"experiment_id"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	return experimentResp{experimentJSON(e)}, nil
}

// experiment finds an experiment by the id given as a string.
func (h *handler) experiment(r *http.Request, sid string) (*store.Experiment, error) {
	id, err := parseID("experiment_id", sid)
	if err != nil {
		return nil, err
	}
	e, err := h.s.GetExperiment(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("No Experiment with id=%s exists", sid)
	}
	return e, err
}

func (h *handler) getExperimentByName(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentName optString `json:"experiment_name"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.ExperimentName.V == "" {
		return nil, missingParam("experiment_name")
	}
	e, err := h.s.GetExperimentByName(r.Context(), req.ExperimentName.V)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Could not find experiment with name '%s'", req.ExperimentName.V)
	}
	if err != nil {
		return nil, err
	}
	return experimentResp{experimentJSON(e)}, nil
}

// pageToken is the opaque next_page_token: the offset of the next page.
type pageToken struct {
	Offset int `json:"offset"`
}

func encodePageToken(offset int) string {
	b, _ := json.Marshal(pageToken{offset})
	return base64.StdEncoding.EncodeToString(b)
}

func decodePageToken(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	var t pageToken
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Offset < 0 {
		return 0, invalidParam("Invalid page token, could not base64-decode or parse it: %s", truncate(s, 80))
	}
	return t.Offset, nil
}

func maxResults(v optInt) (int, error) {
	if !v.Set || v.V == 0 {
		return defaultMaxResults, nil
	}
	if v.V < 0 || v.V > MaxSearchResults {
		return 0, invalidParam("Invalid value %d for parameter 'max_results' supplied. It must be a positive integer at most %d", v.V, MaxSearchResults)
	}
	return int(v.V), nil
}

func viewType(v enumValue) (store.View, error) {
	if !v.Set {
		return store.ViewActive, nil
	}
	name, ok := v.pick(viewTypeNames)
	if !ok {
		return 0, invalidParam("Invalid view type %q: expected ACTIVE_ONLY, DELETED_ONLY or ALL", v.Name)
	}
	switch name {
	case "DELETED_ONLY":
		return store.ViewDeleted, nil
	case "ALL":
		return store.ViewAll, nil
	}
	return store.ViewActive, nil
}

func (h *handler) searchExperiments(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		MaxResults optInt     `json:"max_results"`
		PageToken  optString  `json:"page_token"`
		Filter     optString  `json:"filter"`
		OrderBy    stringList `json:"order_by"`
		ViewType   enumValue  `json:"view_type"`
	}
	if err := decode(r, &req, "order_by"); err != nil {
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
	view, err := viewType(req.ViewType)
	if err != nil {
		return nil, err
	}
	clauses, err := ParseFilter(req.Filter.V)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	filters, err := experimentFilters(clauses)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	orders, err := experimentOrders(req.OrderBy)
	if err != nil {
		return nil, invalidParam("%v", err)
	}
	exps, err := h.s.SearchExperiments(r.Context(), store.ExperimentQuery{Filters: filters, Order: orders,
		Lifecycle: view, Limit: limit + 1, Offset: offset})
	if err != nil {
		return nil, err
	}
	var resp struct {
		Experiments   []experimentOut `json:"experiments,omitempty"`
		NextPageToken string          `json:"next_page_token,omitempty"`
	}
	if len(exps) > limit {
		exps = exps[:limit]
		resp.NextPageToken = encodePageToken(offset + limit)
	}
	for _, e := range exps {
		resp.Experiments = append(resp.Experiments, experimentJSON(e))
	}
	return resp, nil
}

type experimentIDReq struct {
	ExperimentID optID `json:"experiment_id"`
}

func (h *handler) deleteExperiment(w http.ResponseWriter, r *http.Request) (any, error) {
	var req experimentIDReq
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	if err := h.s.DeleteExperiment(r.Context(), e.ID); err != nil {
		return nil, err
	}
	h.forgetRuns()
	return emptyObject, nil
}

func (h *handler) restoreExperiment(w http.ResponseWriter, r *http.Request) (any, error) {
	var req experimentIDReq
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	if err := h.s.RestoreExperiment(r.Context(), e.ID); err != nil {
		return nil, err
	}
	h.forgetRuns()
	return emptyObject, nil
}

// forgetRuns empties the run cache, after a change to many runs' lifecycle at once.
func (h *handler) forgetRuns() {
	h.runsMu.Lock()
	clear(h.runs)
	h.runsMu.Unlock()
}

func (h *handler) updateExperiment(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentID optID     `json:"experiment_id"`
		NewName      optString `json:"new_name"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	if !req.NewName.Set || req.NewName.V == "" {
		return emptyObject, nil // MLflow: nothing to change
	}
	if e.LifecycleStage != store.LifecycleActive {
		return nil, invalidParam("Cannot rename a non-active experiment.")
	}
	if len(req.NewName.V) > MaxExperimentName {
		return nil, invalidParam("Experiment name exceeds the maximum length of %d characters", MaxExperimentName)
	}
	if err := h.s.RenameExperiment(r.Context(), e.ID, req.NewName.V); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

func (h *handler) setExperimentTag(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentID optID     `json:"experiment_id"`
		Key          optString `json:"key"`
		Value        optString `json:"value"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	if err := validateExperimentTag(kvIn{req.Key, req.Value}); err != nil {
		return nil, err
	}
	if e.LifecycleStage != store.LifecycleActive {
		return nil, invalidParam("The experiment %d must be in the 'active' state. Current state is deleted.", e.ID)
	}
	if err := h.s.SetExperimentTag(r.Context(), e.ID, req.Key.V, req.Value.V); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

func (h *handler) deleteExperimentTag(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		ExperimentID optID     `json:"experiment_id"`
		Key          optString `json:"key"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	e, err := h.experiment(r, req.ExperimentID.V)
	if err != nil {
		return nil, err
	}
	if req.Key.V == "" {
		return nil, missingParam("key")
	}
	if err := h.s.DeleteExperimentTag(r.Context(), e.ID, req.Key.V); errors.Is(err, store.ErrNotFound) {
		return nil, notFound("No tag with name: %s in experiment with id %d", req.Key.V, e.ID)
	} else if err != nil {
		return nil, err
	}
	return emptyObject, nil
}

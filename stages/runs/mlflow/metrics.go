package mlflow

import (
	"context"
	"net/http"

	"github.com/mlwb/mlwb/store"
)

// storePoints stores points and returns once they are stored: through the group-commit writer,
// or (for the benchmark baseline) in a transaction of their own.
func (h *handler) storePoints(ctx context.Context, pts []store.Point) error {
	if h.opt.perRequestWrites {
		return h.s.WriteMetrics(ctx, pts)
	}
	return h.writer.Write(pts)
}

// point validates one metric of a request and makes it a store point.
func point(runID int64, m *metricIn, now int64) (store.Point, error) {
	if err := validateName("metric", m.Key); err != nil {
		return store.Point{}, err
	}
	if !m.Value.Set {
		return store.Point{}, invalidParam("Got invalid value for metric '%s': a value is required (a double, or \"NaN\", \"Infinity\", \"-Infinity\")", m.Key.V)
	}
	ts := now
	if m.Timestamp.Set {
		if m.Timestamp.V < 0 {
			return store.Point{}, invalidParam("Got invalid timestamp %d for metric '%s'. Timestamp must be a nonnegative long (64-bit integer)", m.Timestamp.V, m.Key.V)
		}
		ts = m.Timestamp.V
	}
	return store.Point{RunID: runID, Key: m.Key.V, Step: m.Step.V, Time: ts, Value: m.Value.V}, nil
}

type logMetricReq struct {
	RunID   optString `json:"run_id"`
	RunUUID optString `json:"run_uuid"`
	metricIn
}

func (h *handler) logMetric(w http.ResponseWriter, r *http.Request) (any, error) {
	var req logMetricReq
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	ref, err := h.activeRun(ctx, runIDOf(req.RunID, req.RunUUID))
	if err != nil {
		return nil, err
	}
	p, err := point(ref.ID, &req.metricIn, nowMS())
	if err != nil {
		return nil, err
	}
	if err := h.storePoints(ctx, []store.Point{p}); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

type logBatchReq struct {
	RunID   optString  `json:"run_id"`
	Metrics []metricIn `json:"metrics"`
	Params  []kvIn     `json:"params"`
	Tags    []kvIn     `json:"tags"`
}

func (h *handler) logBatch(w http.ResponseWriter, r *http.Request) (any, error) {
	body, err := readBody(r, MaxBatchBytes, func(n int64) *APIError {
		return invalidParam("Batched logging API requests must be at most %d bytes, got a request of size %d.", MaxBatchBytes, n)
	})
	if err != nil {
		return nil, err
	}
	var req logBatchReq
	if err := decodeBatch(body, &req); err != nil {
		return nil, err
	}
	if err := checkBatchLimits(&req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	ref, err := h.activeRun(ctx, req.RunID.V)
	if err != nil {
		return nil, err
	}
	// Validate everything before writing anything.
	pts := make([]store.Point, len(req.Metrics))
	now := nowMS()
	for i := range req.Metrics {
		if pts[i], err = point(ref.ID, &req.Metrics[i], now); err != nil {
			return nil, err
		}
	}
	params := make([]store.KV, len(req.Params))
	seen := make(map[string]bool, len(req.Params))
	var dups []string
	for i, p := range req.Params {
		if err := validateParam(p); err != nil {
			return nil, err
		}
		if seen[p.Key.V] {
			dups = append(dups, p.Key.V)
		}
		seen[p.Key.V] = true
		params[i] = store.KV{Key: p.Key.V, Value: p.Value.V}
	}
	if len(dups) > 0 {
		return nil, invalidParam("Duplicate parameter keys have been submitted: %q. Please ensure the request contains only one param value per param key.", dups)
	}
	tags := make([]store.KV, len(req.Tags))
	for i, t := range req.Tags {
		if err := validateTag(t); err != nil {
			return nil, err
		}
		tags[i] = store.KV{Key: t.Key.V, Value: t.Value.V}
	}
	// Params first (a changed param fails the batch before anything is stored), then metrics.
	if err := h.setParamsAndTags(ctx, ref.ID, params, tags); err != nil {
		return nil, err
	}
	if err := h.storePoints(ctx, pts); err != nil {
		return nil, err
	}
	return emptyObject, nil
}

func checkBatchLimits(req *logBatchReq) error {
	limit := func(what string, n, max int) error {
		if n > max {
			return invalidParam("A batch logging request can contain at most %d %s. Got %d %s. Please split up %s across multiple requests and try again.", max, what, n, what, what)
		}
		return nil
	}
	if err := limit("metrics", len(req.Metrics), MaxBatchMetrics); err != nil {
		return err
	}
	if err := limit("params", len(req.Params), MaxBatchParamsTags); err != nil {
		return err
	}
	if err := limit("tags", len(req.Tags), MaxBatchParamsTags); err != nil {
		return err
	}
	return limit("metrics, params, and tags", len(req.Metrics)+len(req.Params)+len(req.Tags), MaxBatchEntities)
}

func (h *handler) getMetricHistory(w http.ResponseWriter, r *http.Request) (any, error) {
	var req struct {
		RunID      optString `json:"run_id"`
		RunUUID    optString `json:"run_uuid"`
		MetricKey  optString `json:"metric_key"`
		PageToken  optString `json:"page_token"`
		MaxResults optInt    `json:"max_results"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx := r.Context()
	ref, err := h.runRef(ctx, runIDOf(req.RunID, req.RunUUID))
	if err != nil {
		return nil, err
	}
	if req.MetricKey.V == "" {
		return nil, missingParam("metric_key")
	}
	offset, err := decodePageToken(req.PageToken.V)
	if err != nil {
		return nil, err
	}
	pts, err := h.s.History(ctx, ref.ID, req.MetricKey.V)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Metrics       []metricOut `json:"metrics,omitempty"`
		NextPageToken string      `json:"next_page_token,omitempty"`
	}
	if offset > len(pts) {
		offset = len(pts)
	}
	pts = pts[offset:]
	if req.MaxResults.Set && req.MaxResults.V > 0 && int64(len(pts)) > req.MaxResults.V {
		pts = pts[:req.MaxResults.V]
		resp.NextPageToken = encodePageToken(offset + len(pts))
	} else if req.MaxResults.Set && req.MaxResults.V < 0 {
		return nil, invalidParam("max_results must not be negative")
	}
	if len(pts) > 0 {
		resp.Metrics = make([]metricOut, len(pts))
		for i, p := range pts {
			resp.Metrics[i] = metricOut{Key: p.Key, Value: jsonFloat(p.Value), Timestamp: p.Time, Step: p.Step}
		}
	}
	return resp, nil
}

// decodeBatch decodes a log-batch body.
func decodeBatch(body []byte, req *logBatchReq) error { return decodeJSON(body, req) }

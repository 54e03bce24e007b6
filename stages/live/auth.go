package live

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// RequireToken wraps h so that, when token is not empty, every request must carry
// "Authorization: Bearer <token>" (the same rule as `mlwb server`'s MLflow API; Prometheus sends it
// with `authorization: {credentials: …}` or `bearer_token` in its scrape config).
func RequireToken(h http.Handler, token string) http.Handler {
	if token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		const scheme = "bearer "
		if len(auth) <= len(scheme) || !strings.EqualFold(auth[:len(scheme)], scheme) ||
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(auth[len(scheme):])), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mlwb"`)
			http.Error(w, "a valid bearer token is required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

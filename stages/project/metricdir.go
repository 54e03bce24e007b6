package project

// DirectionOf is the direction in which metric key improves: the configured direction for the
// primary metric, else "min" for names with a word like loss, error, mse or perplexity in them
// (the guess mlwb.yaml's validation makes), else "max".
func (m MetricsSpec) DirectionOf(key string) string {
	if key == m.Primary && m.Direction != "" {
		return m.Direction
	}
	return guessDirection(key)
}

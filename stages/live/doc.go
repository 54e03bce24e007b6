// Package live is the Live stage's engine: metric streams that read only what is new, downsampling
// and smoothing for charts, alert rules, and the Prometheus exporter. It never imports Bubble Tea or
// ui/: a chart frame, a stream or a scrape can be tested and benchmarked with no terminal.
package live

// Package metrics defines the node's Prometheus metrics. Every value is
// observed from real work: request counters and token counts from
// finished requests, latency histograms from the timestamps of streamed
// tokens, and queue depth and busy slots read from the schedulers at
// scrape time.
package metrics

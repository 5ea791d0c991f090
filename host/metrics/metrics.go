package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the node's collectors on their own registry.
type Metrics struct {
	Registry *prometheus.Registry

	Requests     *prometheus.CounterVec   // endpoint, model, code
	TokensIn     *prometheus.CounterVec   // model
	TokensCached *prometheus.CounterVec   // model
	TokensOut    *prometheus.CounterVec   // model
	TimeToFirst  *prometheus.HistogramVec // model
	InterToken   *prometheus.HistogramVec // model
	Duration     *prometheus.HistogramVec // endpoint, model
	Cancelled    *prometheus.CounterVec   // model
	InFlight     prometheus.Gauge
}

// SchedulerStats is what a scrape reads from each loaded model.
type SchedulerStats struct {
	Model  string
	Queued int
	Busy   int
	Slots  int
}

// PluginStats is what a scrape reads from each loaded plugin.
type PluginStats struct {
	Name, Kind string
	Calls      int64
	Faults     int64 // calls that trapped, timed out or broke a limit
	Instances  int64
	Healthy    bool // false while its crash-loop breaker is open
}

// New registers the collectors. stats and plugins are called at every
// scrape; plugins may be nil.
func New(stats func() []SchedulerStats, plugins func() []PluginStats) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fabnode_requests_total", Help: "API requests by endpoint, model and HTTP status.",
		}, []string{"endpoint", "model", "code"}),
		TokensIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fabnode_prompt_tokens_total", Help: "Prompt tokens received.",
		}, []string{"model"}),
		TokensCached: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fabnode_prompt_tokens_cached_total", Help: "Prompt tokens served from the KV cache instead of recomputed.",
		}, []string{"model"}),
		TokensOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fabnode_completion_tokens_total", Help: "Completion tokens generated.",
		}, []string{"model"}),
		TimeToFirst: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fabnode_time_to_first_token_seconds", Help: "From request arrival to the first generated token, queueing included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"model"}),
		InterToken: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fabnode_inter_token_latency_seconds", Help: "Time between consecutive generated tokens of one request.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"model"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fabnode_request_duration_seconds", Help: "Whole request time.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 14),
		}, []string{"endpoint", "model"}),
		Cancelled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fabnode_requests_cancelled_total", Help: "Generations stopped because the client went away.",
		}, []string{"model"}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "fabnode_requests_in_flight", Help: "API requests being served.",
		}),
	}
	r.MustRegister(m.Requests, m.TokensIn, m.TokensCached, m.TokensOut, m.TimeToFirst, m.InterToken,
		m.Duration, m.Cancelled, m.InFlight,
		&liveCollector{stats: stats, plugins: plugins},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// ObserveTokens records a request's token timestamps: the first against
// start (time to first token), the rest against their predecessor.
func (m *Metrics) ObserveTokens(model string, start time.Time, at []time.Time) {
	for i, t := range at {
		if i == 0 {
			m.TimeToFirst.WithLabelValues(model).Observe(t.Sub(start).Seconds())
			continue
		}
		m.InterToken.WithLabelValues(model).Observe(t.Sub(at[i-1]).Seconds())
	}
}

var (
	queueDesc = prometheus.NewDesc("fabnode_queue_depth", "Requests waiting for a slot.", []string{"model"}, nil)
	busyDesc  = prometheus.NewDesc("fabnode_slots_busy", "Slots generating for a request.", []string{"model"}, nil)
	slotsDesc = prometheus.NewDesc("fabnode_slots_total", "Slots of each loaded model.", []string{"model"}, nil)

	pluginLabels     = []string{"plugin", "kind"}
	pluginCallsDesc  = prometheus.NewDesc("fabnode_plugin_calls_total", "Hook calls into each plugin.", pluginLabels, nil)
	pluginFaultsDesc = prometheus.NewDesc("fabnode_plugin_faults_total", "Plugin calls that trapped, timed out or broke a limit (the instance was discarded).", pluginLabels, nil)
	pluginInstDesc   = prometheus.NewDesc("fabnode_plugin_instances", "Live sandboxed instances of each plugin.", pluginLabels, nil)
	pluginUpDesc     = prometheus.NewDesc("fabnode_plugin_healthy", "1 unless the plugin's crash-loop breaker is open.", pluginLabels, nil)
)

// liveCollector reads live scheduler and plugin state at scrape
// time, so the values are never stale.
type liveCollector struct {
	stats   func() []SchedulerStats
	plugins func() []PluginStats
}

func (c *liveCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDesc, busyDesc, slotsDesc, pluginCallsDesc, pluginFaultsDesc, pluginInstDesc, pluginUpDesc} {
		ch <- d
	}
}

func (c *liveCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.stats() {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(s.Queued), s.Model)
		ch <- prometheus.MustNewConstMetric(busyDesc, prometheus.GaugeValue, float64(s.Busy), s.Model)
		ch <- prometheus.MustNewConstMetric(slotsDesc, prometheus.GaugeValue, float64(s.Slots), s.Model)
	}
	if c.plugins == nil {
		return
	}
	for _, p := range c.plugins() {
		up := 0.0
		if p.Healthy {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(pluginCallsDesc, prometheus.CounterValue, float64(p.Calls), p.Name, p.Kind)
		ch <- prometheus.MustNewConstMetric(pluginFaultsDesc, prometheus.CounterValue, float64(p.Faults), p.Name, p.Kind)
		ch <- prometheus.MustNewConstMetric(pluginInstDesc, prometheus.GaugeValue, float64(p.Instances), p.Name, p.Kind)
		ch <- prometheus.MustNewConstMetric(pluginUpDesc, prometheus.GaugeValue, up, p.Name, p.Kind)
	}
}

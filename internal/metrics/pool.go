package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reads the pgx pool's statistics at scrape time.
type poolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

// poolFamilies are the pool's families: name, help, and whether it is a counter.
var poolFamilies = []struct {
	name, help string
	counter    bool
}{
	{"acquired_conns", "Connections currently in use.", false},
	{"idle_conns", "Connections open and idle.", false},
	{"constructing_conns", "Connections being opened.", false},
	{"total_conns", "Connections open: acquired, idle and being opened.", false},
	{"max_conns", "The most connections the pool opens (pool_max_conns in DATABASE_URL).", false},
	{"acquire_count_total", "Connections acquired from the pool.", true},
	{"acquire_duration_seconds_total", "Time spent acquiring connections.", true},
	{"empty_acquire_count_total", "Acquisitions that had to wait for a connection: none was idle.", true},
	{"empty_acquire_wait_seconds_total", "Time spent waiting by acquisitions that found no idle connection.", true},
	{"canceled_acquire_count_total", "Acquisitions given up because their context ended.", true},
	{"new_conns_count_total", "Connections opened.", true},
	{"max_lifetime_destroy_count_total", "Connections closed because they reached their maximum lifetime.", true},
	{"max_idle_destroy_count_total", "Connections closed because they were idle too long.", true},
}

// WatchPool adds the statistics of pool as keyclic_pgx_pool_* families.
func (m *Metrics) WatchPool(pool *pgxpool.Pool) {
	c := &poolCollector{pool: pool, descs: map[string]*prometheus.Desc{}}
	for _, f := range poolFamilies {
		c.descs[f.name] = prometheus.NewDesc(prometheus.BuildFQName(namespace, "pgx_pool", f.name), f.help, nil, nil)
	}
	m.Registry.MustRegister(c)
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	values := map[string]float64{
		"acquired_conns":                   float64(s.AcquiredConns()),
		"idle_conns":                       float64(s.IdleConns()),
		"constructing_conns":               float64(s.ConstructingConns()),
		"total_conns":                      float64(s.TotalConns()),
		"max_conns":                        float64(s.MaxConns()),
		"acquire_count_total":              float64(s.AcquireCount()),
		"acquire_duration_seconds_total":   s.AcquireDuration().Seconds(),
		"empty_acquire_count_total":        float64(s.EmptyAcquireCount()),
		"empty_acquire_wait_seconds_total": s.EmptyAcquireWaitTime().Seconds(),
		"canceled_acquire_count_total":     float64(s.CanceledAcquireCount()),
		"new_conns_count_total":            float64(s.NewConnsCount()),
		"max_lifetime_destroy_count_total": float64(s.MaxLifetimeDestroyCount()),
		"max_idle_destroy_count_total":     float64(s.MaxIdleDestroyCount()),
	}
	for _, f := range poolFamilies {
		kind := prometheus.GaugeValue
		if f.counter {
			kind = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[f.name], kind, values[f.name])
	}
}

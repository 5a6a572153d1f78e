package metrics

// WebhookAttempt counts one webhook POST (activities.Counters).
func (m *Metrics) WebhookAttempt(event, outcome string) {
	m.webhookAttempts.WithLabelValues(event, outcome).Inc()
}

// NotificationSent counts one notification on a channel (activities.Counters).
func (m *Metrics) NotificationSent(channel, outcome string) {
	m.notificationSends.WithLabelValues(channel, outcome).Inc()
}

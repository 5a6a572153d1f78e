package api

import (
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
)

// traceRequests makes each request a server span named by its route template
// ("POST /feedbacks/issues", never the path's ids), continuing the caller's trace when it sends
// a traceparent. Handlers pass the request's context on, so their SQL statements and Temporal
// calls are its children.
func traceRequests() gin.HandlerFunc {
	return otelgin.Middleware("") // server.address: the request's Host
}

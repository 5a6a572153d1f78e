package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
)

// healthRoutes serve load balancers and orchestrators: /healthz says the process runs,
// /readyz that it can reach Postgres and Temporal (no application key, no token).
func (s *Server) healthRoutes(r *gin.Engine) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)
}

func (s *Server) ready(c *gin.Context) {
	status, code := gin.H{"postgres": "ok", "temporal": "ok"}, http.StatusOK
	if err := s.store.Pool.Ping(c); err != nil {
		status["postgres"], code = "unreachable", http.StatusServiceUnavailable
	}
	if _, err := s.temporal.CheckHealth(c, &client.CheckHealthRequest{}); err != nil {
		status["temporal"], code = "unreachable", http.StatusServiceUnavailable
	}
	c.JSON(code, status)
}

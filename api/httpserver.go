package api

import (
	"net/http"
	"time"
)

// HTTPTimeouts bound how long one client may hold a connection, so that slow or stalled clients
// cannot pile up connections. The server sets no overall read timeout: when one passes while a
// handler still runs, Go cancels the request's context; the body has its own deadline instead.
type HTTPTimeouts struct {
	ReadHeader time.Duration // the request line and headers
	Body       time.Duration // the whole body, once the headers are in (readBody)
	Write      time.Duration // from the end of the headers to the end of the answer (downloads get more)
	Idle       time.Duration // a kept-alive connection waiting for its next request
}

// ConfigureHTTPServer sets the API's handler and timeouts on srv (a real server or httptest's).
func (s *Server) ConfigureHTTPServer(srv *http.Server) {
	t := s.settings.HTTP
	srv.Handler = s.Handler()
	srv.ReadHeaderTimeout = t.ReadHeader
	srv.WriteTimeout = t.Write
	srv.IdleTimeout = t.Idle
}

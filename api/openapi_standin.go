package api

// A stand-in for the service's OpenAPI document, so that the docs page has something to render
// until the real document is served: a hand-written OpenAPI 3.1 description of the health
// routes. Everything of it is in this file; deleting the file removes it.

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func init() {
	extraPublicRoutes = append(extraPublicRoutes, func(_ *Server, r *gin.Engine) {
		r.GET("/openapi.json", func(c *gin.Context) {
			c.Data(http.StatusOK, "application/json; charset=utf-8", []byte(openAPIStandIn))
		})
	})
}

const openAPIStandIn = `{
  "openapi": "3.1.0",
  "info": {
    "title": "Keyclic API",
    "version": "0.0.0-stand-in",
    "description": "A stand-in document describing the health routes only."
  },
  "servers": [{"url": "/"}],
  "tags": [{"name": "Health", "description": "For load balancers and orchestrators: no credentials."}],
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "getHealthz",
        "tags": ["Health"],
        "summary": "The process runs",
        "responses": {
          "200": {
            "description": "The process answers.",
            "content": {"application/json": {"schema": {
              "type": "object",
              "required": ["status"],
              "properties": {"status": {"type": "string", "const": "ok"}}
            }}}
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "getReadyz",
        "tags": ["Health"],
        "summary": "Postgres and Temporal answer",
        "responses": {
          "200": {"description": "Both dependencies answer.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
          "503": {"description": "A dependency does not answer.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Readiness": {
        "type": "object",
        "required": ["postgres", "temporal"],
        "properties": {
          "postgres": {"type": "string", "enum": ["ok", "unreachable"]},
          "temporal": {"type": "string", "enum": ["ok", "unreachable"]}
        }
      }
    }
  }
}`

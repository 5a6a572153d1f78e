# The one binary; the command (api, worker, migrate) is chosen by the container.

# The docs page's renderer (GET /docs), from the npm registry, pinned by web/docs/package-lock.json.
FROM node:20-bookworm-slim AS docs-assets
WORKDIR /src
COPY web/docs/ web/docs/
COPY scripts/docs-assets.sh scripts/
COPY api/docsassets/dist/PLACEHOLDER api/docsassets/dist/
RUN ./scripts/docs-assets.sh

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=docs-assets /src/api/docsassets/dist/ api/docsassets/dist/
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /keyclic ./cmd/keyclic

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /keyclic /keyclic
EXPOSE 8080
ENTRYPOINT ["/keyclic"]
CMD ["api"]

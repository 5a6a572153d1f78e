# The one binary; the command (api, worker, migrate) is chosen by the container.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /keyclic ./cmd/keyclic

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /keyclic /keyclic
EXPOSE 8080
ENTRYPOINT ["/keyclic"]
CMD ["api"]

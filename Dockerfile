# alsbot container image: a static binary on distroless (CA certificates,
# tzdata, a nonroot user, no shell).
#
#   docker build --build-arg VERSION=v1.0.0 --build-arg COMMIT=$(git rev-parse HEAD) -t alsbot:v1.0.0 .
#
# The same build runs in the tests (deployments/deploy_test.go runs the
# `go build` line below), since Docker is not available in CI.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/alsbot ./cmd/alsbot
# The embedded store's directory, owned by the distroless nonroot user
# (65532); unused when MONGODB_URI is set.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot AS run
COPY --from=build /out/alsbot /usr/local/bin/alsbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV ALSBOT_ADDR=:3000 \
    ALSBOT_DATA_DIR=/data \
    ALSBOT_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/alsbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/alsbot"]

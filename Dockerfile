# alsbot container image: a static binary on distroless (CA certificates,
# tzdata in the binary, a nonroot user, no shell), running `alsbot serve`.
#
#   docker build --build-arg VERSION=v0.1.0 --build-arg COMMIT=$(git rev-parse HEAD) -t alsbot:v0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=v0.1.0 --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg SOURCE=https://github.com/<you>/alsbot -t ghcr.io/<you>/alsbot:v0.1.0 --push .
#
# The same build runs in the tests (deployments/deploy_test.go runs the
# `go build` line below), since Docker is not available in CI.

# The build stage runs on the builder's own platform and cross-compiles for
# the target (BuildKit sets TARGETOS and TARGETARCH), so a multi-arch build
# needs no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG TARGETOS=linux
ARG TARGETARCH=amd64
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/alsbot ./cmd/alsbot
# The embedded store's directory, owned by the distroless nonroot user
# (65532); unused when MONGODB_URI is set.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot AS run
ARG VERSION=dev
ARG COMMIT=unknown
ARG SOURCE=https://github.com/alsbot/alsbot
LABEL org.opencontainers.image.title="alsbot" \
      org.opencontainers.image.description="Runs action learning sets in Slack and Microsoft Teams" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/tree/main/docs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/alsbot /usr/local/bin/alsbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV ALSBOT_ADDR=:3000 \
    ALSBOT_DATA_DIR=/data \
    ALSBOT_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/alsbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/alsbot"]
# serve, not the bare binary: without credentials the container exits 2
# naming the variables instead of starting a shell nobody can type into.
# Other subcommands run as `docker run <image> export --set ... --out ...`.
CMD ["serve"]

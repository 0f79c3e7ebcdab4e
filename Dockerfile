# stsim in a container: a static binary on distroless, run as non-root.
#
#   docker build -t stsim .
#   docker run --rm -p 8080:8080 -e STSIM_CONTROL_TOKEN=change-me stsim
#
# The build stage's commands are run locally by cmd/stsim/docker_test.go
# (TestDockerfileBuildStageBuilds), so they stay buildable without Docker.

# ---- build: both binaries, statically linked ----
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/stsim ./cmd/stsim
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/schedule-engine ./cmd/schedule-engine
RUN mkdir -p /out/data

# ---- schedule-engine: the reference client (docker build --target schedule-engine) ----
FROM gcr.io/distroless/static-debian12:nonroot AS schedule-engine
COPY --from=build /out/schedule-engine /usr/local/bin/schedule-engine
USER nonroot:nonroot
ENTRYPOINT ["schedule-engine"]
CMD ["demo"]

# ---- stsim: the default image ----
FROM gcr.io/distroless/static-debian12:nonroot AS stsim
COPY --from=build /out/stsim /usr/local/bin/stsim
COPY --from=build --chown=nonroot:nonroot /out/data /data
# Listen on every interface of the container. The issuer is what clients on
# the host reach through -p 8080:8080; compose sets the service name instead.
# Without STSIM_CONTROL_TOKEN the /_sim control API answers 403 here (only
# /_sim/health stays open): pass one with -e to steer the simulator.
ENV STSIM_ADDR=0.0.0.0:8080 \
    STSIM_ISSUER=http://localhost:8080 \
    STSIM_DATA=/data/stsim.db
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
# distroless has no curl: stsim asks itself, with the same STSIM_* settings.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["stsim", "health"]
ENTRYPOINT ["stsim"]
CMD ["serve"]

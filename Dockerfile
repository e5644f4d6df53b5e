# syntax=docker/dockerfile:1
# The Lookout image (deploy/README.md, "Image"):  docker build -t lookout:latest .
#
# What goes in is deploy/image/contents.txt, the one list scripts/package.sh builds from: the
# build stage runs that script (release, static Swift stdlib), the runtime stage installs the
# list's Debian packages and copies the layout the script made, nothing else. make test runs the
# same script on the debug binary and a gateway from its folder alone (PackagedFolderTests).
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libhiredis-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer stays cached while only our sources change.
COPY Package.* ./
RUN swift package resolve
COPY . .
RUN scripts/package.sh --configuration release --system-libs --out /layout

FROM ${RUNTIME_IMAGE}
COPY deploy/image/contents.txt deploy/image/install-runtime.sh /tmp/image/
RUN sh /tmp/image/install-runtime.sh /tmp/image/contents.txt \
    && rm -rf /tmp/image \
    && useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin lookout
COPY --from=build /layout/ /opt/lookout/
ENV PATH=/opt/lookout/bin:$PATH \
    LOOKOUT_HTTP_HOST=0.0.0.0
WORKDIR /opt/lookout
USER 10001:10001
# The build fails here when the runtime stage lacks a library the binary loads.
RUN ["/opt/lookout/bin/lookout", "--help"]
# 8080: a gateway (LOOKOUT_HTTP_PORT); 9091: a worker's /healthz, /readyz, /metrics (LOOKOUT_WORKER_HTTP_PORT).
EXPOSE 8080 9091
# A gateway's /healthz; a worker's container overrides it: lookout healthcheck --url http://127.0.0.1:9091/healthz
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["lookout", "healthcheck"]
ENTRYPOINT ["lookout"]
CMD ["--help"]

# Canopy's image: the `canopy` binary with its browser UI embedded, on Debian 12.
#
#   docker build -t canopy .
#   docker run --rm -p 8080:8080 canopy            # `canopy serve`: SQLite in /var/lib/canopy
#   docker run --rm canopy tenants import /usr/share/canopy/tenants
#
# `serve` listens on three ports (the environment below): 8080 for the UI and the API, 8081
# for the gateway's /internal/* (and /healthz, /readyz), 9090 for /metrics. The public port
# serves neither /internal/* nor /metrics: publish 8081 (-p 8081:8081) only where the gateway
# alone can reach it, and 9090 only where Prometheus alone can.
#
# No container engine runs on the development machines, so this file is checked statically:
# tests/image/image_test.sh (CTest: image_libraries) parses it and checks that every shared
# library `ldd` reports for the built binary comes from a package the runtime stage installs,
# besides the contract below (users, paths, listeners, entrypoint); it also runs the default
# command with this stage's environment against the built binary.
#
# The base images are pinned by tag. To pin a digest as well, append the one
# `docker buildx imagetools inspect debian:12-slim` prints (`debian:12-slim@sha256:...`); the
# test accepts it.

# ---- build: the packages of scripts/lib.sh that the build needs, then a Release-like build ----
FROM debian:12 AS build

# BUILD_PACKAGES of scripts/lib.sh, less the servers (mariadb-server, redis-server), their
# clients (mariadb-client, redis-tools), what only the tests and benchmarks use (libgtest-dev,
# libgmock-dev, libbenchmark-dev, sqlite3, curl, python3), and ccache and git, which this build
# does not use; plus nodejs and npm, which build the UI (web/, `npm ci` from package-lock.json).
# tests/image/image_test.py keeps this list and BUILD_PACKAGES in step.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config ca-certificates \
      libboost-dev libboost-system-dev \
      libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libsodium-dev \
      libsqlite3-dev \
      libmysqlcppconn-dev libhiredis-dev libssl-dev \
      nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# RelWithDebInfo is the build type the test suite runs (scripts/test); it is stripped below, so
# the image carries the same code without its debug information (the unstripped binary stays
# in this stage: `docker build --target build`). -DCANOPY_WEB=ON runs `npm ci`, the type check
# and esbuild in web/ and embeds the result (cmake/EmbedWeb.cmake). No tests, no benchmarks.
RUN cmake -S . -B /build \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCANOPY_WEB=ON \
      -DCANOPY_BUILD_TESTS=OFF \
      -DCANOPY_BUILD_BENCH=OFF \
 && cmake --build /build -j "$(nproc)" --target canopy \
 && mkdir -p /out \
 && strip --strip-unneeded -o /out/canopy /build/src/main/canopy \
 && /out/canopy policies check policies

# ---- runtime: the shared libraries the binary links, nothing else ----
FROM debian:12-slim

LABEL org.opencontainers.image.title="canopy" \
      org.opencontainers.image.description="Decides which third-party apps may touch an English school's data" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"

# One package per library the binary links directly (readelf -d: NEEDED), found with
# `dpkg -S`; libc.so.6 and libm.so.6 (libc6) come with the base image. What those libraries
# need in turn comes with them: libmysqlcppconn7v5 brings libmariadb3 (with its auth plugins,
# which MySQL 8's caching_sha2_password needs) and zlib1g. libssl3: the partner webhooks'
# HTTPS client (src/events) links it directly. ca-certificates: the CA bundle that client
# verifies partners' certificates against.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates \
      libfmt9 \
      libgcc-s1 \
      libhiredis0.14 \
      libmysqlcppconn7v5 \
      libsodium23 \
      libspdlog1.10 \
      libsqlite3-0 \
      libssl3 \
      libstdc++6 \
      libyaml-cpp0.7 \
 && rm -rf /var/lib/apt/lists/*

# A numeric, unprivileged user; its working directory holds the SQLite fallback
# (var/canopy.db) and a generated service token when none is configured.
RUN groupadd --gid 10001 canopy \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/canopy --no-create-home \
      --shell /usr/sbin/nologin canopy \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/canopy

COPY --from=build /out/canopy /usr/local/bin/canopy
# The defaults: the app catalogue (read by serve) and the demo tenants
# (`canopy tenants import /usr/share/canopy/tenants`). Mount others over them.
COPY policies/ /usr/share/canopy/policies/
COPY tenants/ /usr/share/canopy/tenants/

# Loads every shared library in this stage and validates the baked catalogue: the build fails
# here if a library is missing.
RUN ["canopy", "policies", "check", "/usr/share/canopy/policies"]

# The gateway's routes and the metrics on listeners of their own, so that whoever reaches the
# public port reaches neither, and a flood there cannot starve the gateway (the chart sets the
# same); `canopy policies reload` in the container asks the internal listener. Set
# CANOPY_INTERNAL_LISTEN and CANOPY_METRICS_LISTEN empty to serve everything on 8080.
ENV CANOPY_POLICIES=/usr/share/canopy/policies \
    CANOPY_LISTEN=0.0.0.0:8080 \
    CANOPY_INTERNAL_LISTEN=0.0.0.0:8081 \
    CANOPY_METRICS_LISTEN=0.0.0.0:9090 \
    CANOPY_RELOAD_URL=http://127.0.0.1:8081

WORKDIR /var/lib/canopy
USER 10001:10001
# 8080: the public listener; 8081: the gateway's (--internal-listen); 9090: metrics
# (--metrics-listen).
EXPOSE 8080 8081 9090

ENTRYPOINT ["canopy"]
CMD ["serve"]

# idsync container image: the daemon with its CLI. Mount the configuration at /etc/idsync and a
# volume at /var/lib/idsync (SQLite store, audit export); Redis runs beside it (REDIS_URL).
FROM node:24-bookworm-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scripts ./scripts
# benchmarks and drills reuse the test peers (slapd helper, SCIM fake)
COPY test ./test
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
RUN groupadd --system idsync && useradd --system --gid idsync --home /var/lib/idsync idsync \
 && mkdir -p /var/lib/idsync /etc/idsync && chown idsync:idsync /var/lib/idsync
WORKDIR /var/lib/idsync
COPY --from=build /src/node_modules /opt/idsync/node_modules
COPY --from=build /src/dist /opt/idsync/dist
COPY --from=build /src/bin /opt/idsync/bin
COPY --from=build /src/package.json /opt/idsync/package.json
COPY config /opt/idsync/config
USER idsync
EXPOSE 1389 1636
ENTRYPOINT ["node", "/opt/idsync/bin/idsync.js"]
CMD ["run", "--config", "/etc/idsync/idsync.yaml"]

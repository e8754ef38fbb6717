# One image for all four Harbor services. The container command picks the service, e.g.
#   node -r ./scripts/register-paths.js dist/apps/matching/src/main.js
# (docker-compose.yml and deploy/k8s/ do exactly that). Configuration comes only from the
# environment; see the README's configuration table.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: install everything, compile TypeScript, then drop dev dependencies ----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs ./libs
COPY apps ./apps
COPY scripts/write-build-info.js ./scripts/write-build-info.js
# The commit this image is built from, for harbor_build_info: docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD)
ARG GIT_COMMIT=unknown
RUN GIT_COMMIT=${GIT_COMMIT} npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: compiled code, production dependencies, non-root ------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The services' Node flags (scripts/stack/service-node-flags.js): a smaller young generation keeps RSS under 200 MB after a burst.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app

# Files stay owned by root and are only readable by the `node` user that runs them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/build-info.json ./dist/build-info.json
# scripts/register-paths.js maps the @harbor/* aliases onto dist/ and reads tsconfig.json at run time.
COPY tsconfig.json ./tsconfig.json
COPY scripts/register-paths.js ./scripts/register-paths.js
# Operators' tools (dead-letter replay), run in a pod of this image (deploy/k8s/examples/dlq-replay).
COPY scripts/ops ./scripts/ops

USER node
# Default HTTP ports of intake, matching, notification and reporting (HTTP_PORT overrides).
EXPOSE 3001 3002 3003 3004
# Node is PID 1 and handles SIGTERM itself (Nest shutdown hooks drain Kafka consumers first).
STOPSIGNAL SIGTERM
CMD ["node", "-r", "./scripts/register-paths.js", "dist/apps/intake/src/main.js"]

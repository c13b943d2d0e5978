# syntax=docker/dockerfile:1
# The gateway (`mdb serve`) as an image: built in one stage, run from a slim one as the unprivileged
# `node` user (uid 1000), with a health check on /healthz. See docs/operations.md.

# --- build: dev dependencies, TypeScript, tsup ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsup.config.ts ./
COPY src ./src
COPY operators ./operators
RUN npm run build \
  # Production dependencies only, plus node-redis, which `mdb serve --redis` loads when asked.
  && npm prune --omit=dev \
  && npm install --no-save --omit=dev --ignore-scripts redis@^6

# --- runtime: the build output and production dependencies, nothing else ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/mdb.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]

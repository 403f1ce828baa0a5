# The companion (server/) as a container image; the extension is built separately, with
# WXT_COMPANION_URL (docs/deploy.md). Build with `docker build -t oauth1-companion .`
#
# Three stages: `build` bundles the server with esbuild, `prod-deps` installs the production
# dependencies (compiling better-sqlite3), and the final stage holds only those two results.

# --- build: dist/server/main.mjs, dist/server/vault/rotate-main.mjs, dist/server/dev-provider/main.mjs
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root postinstall (`wxt prepare`) needs the extension's sources, and the
# bundle leaves every package external (--packages=external), so no native addon is needed here.
RUN npm ci --ignore-scripts --no-audit --no-fund
# tsconfig.json is left out on purpose: it extends .wxt/tsconfig.json, which only `wxt prepare`
# writes, and esbuild emits the same bytes without it.
COPY lib ./lib
COPY server ./server
RUN npm run build:server

# --- prod-deps: the runtime's node_modules, better-sqlite3 compiled for this image
FROM node:20-bookworm-slim AS prod-deps
# better-sqlite3 compiles with node-gyp when it cannot download a prebuilt binary.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves wxt out, so the root postinstall would fail: skip every install script, then
# run better-sqlite3's alone. Its compiler leftovers and C sources are not needed at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 \
  && rm -rf node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
    node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/deps

# --- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The default DATABASE_URL (sqlite:./data/companion.db) writes here. The image's `node` user owns
# the folder, so a new named volume mounted on it starts out writable too.
RUN mkdir data && chown node:node data
VOLUME ["/app/data"]
USER node
EXPOSE 8787
# No curl in slim images: node's own fetch. Healthy means the store answered a ping.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The V8 flags of `npm run server` (package.json), the heap bound the memory tests run the
# companion under. Exec form: node itself gets SIGTERM and finishes requests in flight.
CMD ["node", "--max-old-space-size=96", "--max-semi-space-size=8", "dist/server/main.mjs"]

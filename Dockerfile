# One image for every stage: `kce agent`, `kce all`, `kce pricer`, … (the args choose).
# The image runs the CLI built to plain JavaScript (`npm run build` → dist/: no type stripping at start, and the
# agent can run under `node --lite-mode`); the sources stay beside it for the files the code reads at run time.
# Build: docker build -t kce:0.1.0 .   (not built in CI here: no container engine on the test machines)

FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-bookworm-slim
# Debian's jemalloc, which the manifests preload for `kce all` and a split install's rollup and sink (LD_PRELOAD,
# install/objects.ts: −20 MB of RSS at 10,000 pods, BENCHMARKS.md), linked at one path whatever the architecture's
# library directory.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libjemalloc2 \
  && rm -rf /var/lib/apt/lists/* \
  && ln -s "$(ls /usr/lib/*/libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY agents ./agents
COPY api ./api
COPY bin ./bin
COPY bus ./bus
COPY cli ./cli
COPY codec ./codec
COPY config ./config
COPY deploy ./deploy
COPY export ./export
COPY federation ./federation
COPY install ./install
COPY local ./local
COPY model ./model
COPY pricing ./pricing
COPY processors ./processors
COPY reconcile ./reconcile
COPY schemas ./schemas
COPY sim ./sim
COPY sinks ./sinks
COPY telemetry ./telemetry
# The web app's sources: the API bundles them with esbuild at start (api/ui/bundle.ts).
COPY ui ./ui
COPY scripts/build.ts ./scripts/build.ts
RUN node scripts/build.ts
# The manifests run it with runAsUser 65532, a read-only root filesystem and an emptyDir on /tmp.
USER 65532:65532
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["--help"]

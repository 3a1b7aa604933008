# One image for every stage: `kce agent`, `kce all`, `kce pricer`, … (the args choose).
# The image runs the CLI built to plain JavaScript (`npm run build` → dist/: no type stripping at start, and the
# agent can run under `node --lite-mode`); the sources stay beside it for the files the code reads at run time.
# Build: docker build -t kce:0.1.0 .   (not built in CI here: no container engine on the test machines)

FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-bookworm-slim
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

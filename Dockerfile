# The cxpulse engine, in two stages. `build` installs every dependency and compiles the
# TypeScript to dist/; the runtime image gets production dependencies (no typescript, no tsx),
# dist/, models/ and web/ only: no sources, no tests, no labelled training data (data/).

FROM node:20-bookworm-slim AS build
WORKDIR /src
# --ignore-scripts: the `prepare` script would build before the sources are copied;
# the build runs below instead.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/
COPY engine engine
COPY connectors connectors
COPY training training
COPY simulator simulator
COPY cli cli
COPY bench bench
RUN npm run build

FROM node:20-bookworm-slim
# Inside a container the engine must listen on every interface; it then refuses to start without
# CXPULSE_JWT_SECRET (or CXPULSE_ALLOW_OPEN=1), so `docker run` needs `-e CXPULSE_JWT_SECRET=...`.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CXPULSE_DATA_DIR=/var/lib/cxpulse
WORKDIR /app
# --ignore-scripts: `prepare` builds from sources, which this stage does not have (dist/ is
# copied from the build stage).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin bin
COPY models models
COPY web web
COPY --from=build /src/dist dist
# Embedded store, dead letters when NATS is absent; a volume in docker-compose.yml.
RUN mkdir -p /var/lib/cxpulse && chown node:node /var/lib/cxpulse

USER node
EXPOSE 8080
CMD ["node", "bin/cxpulse.js", "start"]

# The cxpulse engine. TypeScript runs through tsx (a runtime dependency), so there is no
# build stage: install production dependencies, copy the sources, start.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    PORT=8080 \
    CXPULSE_DATA_DIR=/var/lib/cxpulse
WORKDIR /app

# Dependencies first so that source edits do not bust this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Embedded store, dead letters when NATS is absent; a volume in docker-compose.yml.
RUN mkdir -p /var/lib/cxpulse && chown node:node /var/lib/cxpulse

USER node
EXPOSE 8080
CMD ["node", "bin/cxpulse.js", "start"]

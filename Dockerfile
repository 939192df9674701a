# The Ambassador engine as a container: `docker build -t ambassador .`
# Stage 1 compiles the TypeScript with every dependency; stage 2 holds only what runs.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:20.20-bookworm-slim AS runtime
# tini runs as PID 1: it forwards SIGTERM/SIGINT to node (which stops cleanly on them) and
# reaps zombies. Node as PID 1 would get no default signal handling from the kernel, so a
# command that installs no handler of its own could not be stopped by `docker stop`.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    AMBASSADOR_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY migrations ./migrations
COPY assets ./assets
RUN chmod +x dist/src/cli/main.js \
  && ln -s /app/dist/src/cli/main.js /usr/local/bin/ambassador \
  && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers while the process is alive; node's fetch, as the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "ambassador"]
CMD ["serve"]

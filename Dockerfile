# syntax=docker/dockerfile:1
# driftgate's image. The build steps live in scripts/build-image-root.sh, which CI also
# runs outside docker (and smoke-starts with scripts/smoke-image-root.sh), so what the image
# runs is what CI tested. Base images could not be pulled where this was written: the
# image itself was not built there (see docs/deploy.md).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json app.yml ./
COPY src ./src
COPY policies/dist/policy.wasm ./policies/dist/
COPY scripts/build-image-root.sh scripts/build-cli.ts ./scripts/
RUN scripts/build-image-root.sh /image

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DRIFTGATE_PROCESS=all
WORKDIR /app
COPY --from=build --chown=node:node /image/ /app/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM stops taking webhooks and jobs and finishes the jobs in hand (docs/operations.md).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]

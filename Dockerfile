# congso: one image for every role of a deployment (docs/DEPLOY.md). The command picks the role:
#   serve (default)  an app node: pages, API, and job workers unless WORKERS=0
#   worker           job workers only (notifications, national sync, OCR, outbox deliveries)
#   migrate          apply the migrations and exit (one-shot, before the nodes start)
# Configuration is the environment only (README, "Configuration"); nothing secret is baked in.

# --- dependencies: production ones only. tsx, which runs the TypeScript sources, is one of them,
# so no build step and no devDependencies (vitest, biome, typescript) in the image.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime
FROM node:24-bookworm-slim
# Debian's tools the app calls as child processes (src/platform/ocr/probe.ts names them):
#   ocrmypdf (brings Tesseract with English and orientation data, and Ghostscript),
#   tesseract-ocr-vie (Vietnamese), poppler-utils (pdftoppm, pdftotext), img2pdf (TIFF and
#   image pages into PDF), unpaper (ocrmypdf --clean). The app starts without them and says OCR
#   is unavailable; a ministry digitising scans needs them on the worker nodes at least.
# tini: PID 1 that forwards SIGTERM (the app drains for SHUTDOWN_GRACE_SECONDS) and reaps the
# OCR tools' children. Fonts: Be Vietnam Pro comes from npm (@fontsource, @expo-google-fonts),
# embedded in the PDFs the app renders; no system fonts are needed.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tini ocrmypdf tesseract-ocr-vie poppler-utils img2pdf unpaper \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/var/lib/congso
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
# The demo ministry (CONGSO_MODE=demo loads it on an empty database; production never does).
COPY demo ./demo

# The theme is compiled from Sass once, here, into node_modules/.cache/congso (assets.ts reads it
# from there at start); the running user could not write beside the root-owned node_modules.
RUN node --import tsx --input-type=module -e "const { compileStyles } = await import('./src/platform/http/assets.ts'); await compileStyles();"

# Not root: the image's own `node` user (uid 1000). DATA_DIR holds the node's spool for uploads
# in flight, the newest audit checkpoint and, without S3, the files; with S3 it may be ephemeral.
RUN mkdir -p /var/lib/congso && chown node:node /var/lib/congso
USER node
VOLUME ["/var/lib/congso"]
EXPOSE 3000

# The load balancer checks /healthz itself; this is for `docker ps` and orchestrators. A worker
# serves no HTTP: its service disables the check (compose.yaml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# As `npm start` and `npm run worker` run it (package.json), without npm in between, so the
# signal reaches node.
ENTRYPOINT ["tini", "--", "node", "--max-semi-space-size=2", "--import", "tsx", "src/main.ts"]
CMD ["serve"]

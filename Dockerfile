# syntax=docker/dockerfile:1
# Model Publisher: a Docker Desktop extension. Build: docker buildx build --platform linux/amd64,linux/arm64 -t <image>:<semver> .
ARG NODE_VERSION=20

# The UI is plain JavaScript once built, so it is built once on the build platform.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS ui-build
WORKDIR /src
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY ui/package.json ui/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY contract contract
COPY ui ui
RUN npm run build -w ui

# The backend bundle is platform-neutral too.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS backend-build
WORKDIR /src
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY ui/package.json ui/
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild esbuild
COPY tsconfig.base.json ./
COPY contract contract
COPY backend backend
RUN npm run build -w backend

# Runtime dependencies for the target platform: better-sqlite3 compiles with node-gyp when no prebuilt binary is reachable.
FROM node:${NODE_VERSION}-bookworm AS backend-deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY ui/package.json ui/
RUN npm ci --omit=dev --workspace backend --include-workspace-root=false --no-audit --no-fund

FROM docker:cli AS docker-cli
FROM docker/buildx-bin AS buildx

FROM node:${NODE_VERSION}-bookworm-slim
LABEL org.opencontainers.image.title="Model Publisher" \
    org.opencontainers.image.description="Publish Hugging Face models to any OCI registry as ModelPack or generic OCI artifacts, in one click." \
    org.opencontainers.image.vendor="Model Publisher" \
    com.docker.desktop.extension.api.version=">= 0.4.2" \
    com.docker.desktop.extension.icon="https://raw.githubusercontent.com/model-publisher/model-publisher/main/docker.svg" \
    com.docker.extension.screenshots='[{"alt":"Publish tab: a Hugging Face model picked, its files and the registry reference suggested for it (light theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/publish-light.png"},{"alt":"A finished native publish: every step done and every file verified (light theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/job-light.png"},{"alt":"Inspect: the pushed ModelPack manifest with its digest, media types and layers (light theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/manifest-light.png"},{"alt":"History: the published references with their digests (light theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/history-light.png"},{"alt":"Publish tab: a Hugging Face model picked, its files and the registry reference suggested for it (dark theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/publish-dark.png"},{"alt":"A finished native publish: every step done and every file verified (dark theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/job-dark.png"},{"alt":"Inspect: the pushed ModelPack manifest with its digest, media types and layers (dark theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/manifest-dark.png"},{"alt":"History: the published references with their digests (dark theme)","url":"https://raw.githubusercontent.com/model-publisher/model-publisher/main/docs/screenshots/history-dark.png"}]' \
    com.docker.extension.detailed-description="<p>Pick a Hugging Face model and a registry reference; Model Publisher packages it as a CNCF ModelPack (or generic OCI) artifact with the AIKit BuildKit frontend, or streams it natively, pushes it, and shows the resulting manifest: digest, media types, layers and config.</p>" \
    com.docker.extension.publisher-url="https://github.com/model-publisher/model-publisher" \
    com.docker.extension.additional-urls='[{"title":"Documentation","url":"https://github.com/model-publisher/model-publisher#readme"},{"title":"Support","url":"https://github.com/model-publisher/model-publisher/issues"}]' \
    com.docker.extension.changelog="<p>First release: model picker, buildx direct and export publishing, native publishing, manifest inspector.</p>" \
    com.docker.extension.categories="image-registry,utility-tools"

COPY --from=docker-cli /usr/local/bin/docker /usr/local/bin/docker
COPY --from=buildx /buildx /usr/libexec/docker/cli-plugins/docker-buildx
COPY metadata.json docker.svg docker-compose.yaml /
# Host binaries (metadata.json host.binaries): Desktop copies them to the user's machine, where the UI starts them.
COPY --chmod=0755 host/unix/model-publisher-credentials /darwin/model-publisher-credentials
COPY --chmod=0755 host/unix/model-publisher-credentials /linux/model-publisher-credentials
COPY --chmod=0755 host/windows/model-publisher-credentials.cmd /windows/model-publisher-credentials.cmd
COPY --from=ui-build /src/ui/build /ui
WORKDIR /app
COPY backend/package.json ./package.json
COPY --from=backend-deps /src/node_modules ./node_modules
COPY --from=backend-build /src/backend/dist ./dist
ENV NODE_ENV=production \
    BACKEND_SOCKET=/run/guest-services/backend.sock \
    STATE_DIR=/state
# Root on purpose: Desktop's raw docker socket rejects other users.
CMD ["node", "/app/dist/main.js"]

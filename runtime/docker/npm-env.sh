# Sourced by every npm step of the image builds (runtime/Dockerfile installs
# it as /etc/npm-env.sh; runtime/docker/build-model.sh sources it too).
# shellcheck shell=sh

# Trust the secret CA bundle when one was given.
if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi
export npm_config_globalconfig=/etc/npmrc
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# CPU images: onnxruntime-node must not fetch its CUDA libraries from outside the registry.
export ONNXRUNTIME_NODE_INSTALL=skip

# The platform the installed packages are for: the image's (TARGETARCH, set
# where a stage declares it), not the build machine's, which runs npm. Node
# spells amd64 "x64". npm >= 10.1 picks platform-specific optional packages by
# npm_config_cpu/os (Debian trixie's npm 9.2 ignores them: ruth-build-model's
# architecture check catches what it gets wrong); node-gyp and
# prebuild-install read npm_config_arch.
case "${TARGETARCH:-}" in
  '') RUTH_NODE_ARCH=$(node -p process.arch) ;;
  amd64) RUTH_NODE_ARCH=x64 ;;
  *) RUTH_NODE_ARCH=$TARGETARCH ;;
esac
export RUTH_NODE_ARCH npm_config_cpu="$RUTH_NODE_ARCH" npm_config_arch="$RUTH_NODE_ARCH" npm_config_os=linux

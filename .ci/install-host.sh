#!/usr/bin/env bash
# Installs what `npm test` needs on a fresh Debian bookworm machine:
# Docker 26 + buildx from trixie (bookworm's 20.10 embeds BuildKit 0.8, which
# lacks named build contexts), debootstrap for the base OS image, and the
# registry used by the publishing test; for deploy/ (docs/deploy.md): Compose
# v2 and kubectl (kustomize) from trixie, ffmpeg and the opencv-doc clip for
# the frame producer, QEMU user emulation for arm64 images.
# Idempotent: safe to run twice.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
  cat >/etc/apt/sources.list.d/trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # A low priority keeps the rest of the system on bookworm: only packages
  # named with /trixie come from there.
  cat >/etc/apt/preferences.d/trixie-low <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi

apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  docker.io/trixie docker-cli/trixie docker-buildx/trixie docker-compose/trixie \
  kubernetes-client/trixie qemu-user-static/trixie binfmt-support \
  ffmpeg opencv-doc debootstrap docker-registry shellcheck >/dev/null

# arm64 images run under QEMU: register the interpreter with the kernel.
# The "F" flag (fixed binary) lets it work inside containers too.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  if [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    # trixie's qemu ships a systemd-binfmt entry; without systemd, load it by hand.
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register
  else
    update-binfmts --enable qemu-aarch64
  fi
fi

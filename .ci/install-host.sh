#!/usr/bin/env bash
# Installs what `npm test` needs on a fresh Debian bookworm machine:
# Docker 26 + buildx from trixie (bookworm's 20.10 embeds BuildKit 0.8, which
# lacks named build contexts), debootstrap for the base OS image, and the
# registry used by the publishing test. Idempotent: safe to run twice.
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
  docker.io/trixie docker-cli/trixie docker-buildx/trixie \
  debootstrap docker-registry shellcheck >/dev/null

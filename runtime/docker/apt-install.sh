#!/bin/sh
# apt-install PACKAGE...: installs Debian packages into a final image stage
# and leaves it slim: no apt lists or caches, logs, docs, man pages or locales
# (a -slim base's dpkg excludes keep most out; removed again here for bases
# without them). Copyright files stay. runtime/Dockerfile bind-mounts this
# script for the step that runs it, so it is in no image.
set -eu
# No package description translations: less to fetch and parse (parsing is
# most of apt's time under QEMU, when an arm64 image is built on amd64).
apt-get -o Acquire::Languages=none update
apt-get install -y --no-install-recommends "$@"
rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
       /usr/share/man /usr/share/info /usr/share/locale /usr/share/lintian
find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete

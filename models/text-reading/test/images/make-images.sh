#!/usr/bin/env bash
# Copies the golden fixture photographs from the Debian package they come
# from (opencv-doc; no install needed):
#   apt-get download opencv-doc && dpkg -x opencv-doc_*.deb root
#   ./make-images.sh root
# The pictures are used as they are; the expected text (../golden) was
# written by hand from the pictures. The held-out evaluation pictures are
# listed in ../../bench/eval-set.json.
set -euo pipefail
root=${1:?usage: make-images.sh <folder where opencv-doc was extracted (/ when installed)>}
data=$root/usr/share/doc/opencv-doc/examples/data
text=$root/usr/share/doc/opencv-doc/examples/text
cp "$data/imageTextN.png" page-straight.png
cp "$data/imageTextR.png" page-turned.png
cp "$data/text_defocus.jpg" page-defocus.jpg
cp "$data/text_motion.jpg" page-motion-blur.jpg
cp "$text/scenetext01.jpg" notice-sign.jpg
cp "$text/scenetext03.jpg" copy-centre-sign.jpg
cp "$data/box.png" cookie-box.png
cp "$data/messi5.jpg" unicef-shirt.jpg

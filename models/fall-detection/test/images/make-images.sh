#!/usr/bin/env bash
# Rebuilds the fixture photographs from the Debian packages they come from.
# Needs ImageMagick (/usr/bin/convert) and the packages' files extracted
# (no install needed):
#   apt-get download darknet opencv-doc python3-skimage
#   for f in *.deb; do dpkg -x "$f" root; done
#   ./make-images.sh root
# Each picture is downscaled to at most 640 px wide and stored as JPEG.
# "Lying" pictures are real photos of upright people turned by 90°, either
# the whole frame or the person pasted, turned, onto the ground of another
# real photo; the labels (../golden) were drawn from the upright originals.
set -euo pipefail
root=${1:?usage: make-images.sh <folder where the .deb files were extracted>}
C=/usr/bin/convert
Q=(-strip -quality 88)
darknet=$root/usr/share/darknet/data
opencv=$root/usr/share/doc/opencv-doc/examples/data
skimage=$root/usr/lib/python3/dist-packages/skimage/data

# Upright people.
$C "$darknet/person.jpg" "${Q[@]}" person-standing.jpg
$C "$opencv/basketball1.png" "${Q[@]}" two-people-indoor.jpg
$C "$opencv/messi5.jpg" "${Q[@]}" footballer-kicking.jpg
$C "$skimage/astronaut.png" "${Q[@]}" astronaut-portrait.jpg
$C "$skimage/camera.png" "${Q[@]}" cameraman.jpg
$C "$darknet/kite.jpg" -crop 700x480+0+420 +repage -resize 640x -crop 640x438+0+0 +repage "${Q[@]}" beach-walkers.jpg
# No one.
$C "$darknet/horses.jpg" -resize 640x "${Q[@]}" no-one-horses.jpg
$C "$darknet/dog.jpg" -resize 640x "${Q[@]}" no-one-dog.jpg
# Lying: whole frame turned.
$C "$darknet/person.jpg" -rotate 90 "${Q[@]}" lying-turned-cw.jpg
$C "$darknet/person.jpg" -rotate -90 "${Q[@]}" lying-turned-ccw.jpg
$C "$opencv/basketball1.png" -rotate 90 "${Q[@]}" two-lying-indoor.jpg
# Lying: the person from person.jpg, turned, on the ground of another photo.
$C "$darknet/person.jpg" -crop 95x283+185+95 +repage -rotate 90 /tmp/lying-person.png
$C "$darknet/horses.jpg" -resize 640x /tmp/lying-person.png -geometry +320+318 -composite "${Q[@]}" lying-among-horses.jpg
$C "$darknet/person.jpg" -crop 95x283+185+95 +repage -resize 85% -rotate -90 /tmp/lying-person-small.png
$C "$darknet/person.jpg" /tmp/lying-person-small.png -geometry +360+340 -composite "${Q[@]}" standing-and-lying.jpg
$C "$darknet/person.jpg" -crop 95x283+185+95 +repage -resize 90% -rotate 90 -colorspace Gray /tmp/lying-person-gray.png
$C "$opencv/basketball1.png" /tmp/lying-person-gray.png -geometry +340+385 -composite "${Q[@]}" lying-indoor-floor.jpg
$C beach-walkers.jpg -rotate -90 "${Q[@]}" beach-turned.jpg
$C "$skimage/camera.png" -rotate 90 "${Q[@]}" cameraman-turned.jpg
rm -f /tmp/lying-person-gray.png /tmp/lying-person.png /tmp/lying-person-small.png

/**
 * Reads the EXIF Orientation tag (1..8) of a JPEG, so a phone photo taken
 * sideways is drawn and sent upright. jpeg-js decodes pixels only and leaves
 * the tag to the caller. Returns 1 (as stored) when there is no tag.
 */
export function jpegOrientation(jpeg: Uint8Array): number {
  const view = new DataView(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  let p = 2; // after SOI
  while (p + 4 <= jpeg.length && jpeg[p] === 0xff) {
    const marker = jpeg[p + 1];
    const size = view.getUint16(p + 2);
    if (marker === 0xda) break; // start of scan: no more metadata
    // APP1 "Exif\0\0" then a TIFF header.
    if (marker === 0xe1 && p + 10 <= jpeg.length && view.getUint32(p + 4) === 0x45786966) {
      return tiffOrientation(view, p + 10, p + 2 + size);
    }
    p += 2 + size;
  }
  return 1;
}

function tiffOrientation(view: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const little = view.getUint16(tiff) === 0x4949;
  const u16 = (o: number): number => view.getUint16(o, little);
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) break;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

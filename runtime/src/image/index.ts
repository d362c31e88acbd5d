/**
 * @ruth-ai/model-runtime/image: pictures in and out, for tools and tests, never
 * for serving. JPEG/PNG decoding (EXIF orientation applied), drawing the
 * answer on a picture, and `ruth-model infer --image`. Its dependencies
 * (jpeg-js, pngjs) are optional peers: the base image carries neither them nor
 * this folder (runtime/package.json `files`).
 */
export { decodeImage, type RgbImage } from './decode.js';
export { annotate } from './annotate.js';
export { encodePng } from './encode-png.js';
export { resizeRgb } from './resize.js';
export { evenCrop, writeTempFrame, type TempFrame } from './infer-frame.js';

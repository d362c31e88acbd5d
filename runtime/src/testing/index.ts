/**
 * @ruth-ai/model-runtime/testing: what model tests, benchmarks and the
 * factory's tests share. The real server spawned as a child process, real
 * frame files in /dev/shm (from bytes or from a photo), the golden-answer
 * matcher, and benchmark report tables. Not shipped in the base image
 * (runtime/package.json `files`).
 */
export { CLI, FIXTURE_MODELS, RUNTIME_DIR, runCli, startServerProcess, type ServerProcess } from './spawn-server.js';
export { FrameDir } from './frame-dir.js';
export { frameFromImage, type EncodedFrame } from './image-frame.js';
export { cer, editDistance } from './text-metrics.js';
export { iou, loadGoldenCases, matchDetections, pairBoxes, type Box, type ExpectedDetection, type GoldenCase, type ReturnedDetection } from './golden.js';
export { machine, percentile, writeSection } from './bench-report.js';
export { imageExists, startContainer, type RunningContainer } from './container.js';
export { until } from './until.js';
// Which preprocessing kernel 1080p frames take in this thread (benches report it).
export { yuvKernelName } from '../preprocess/yuv-nearest-wasm.js';

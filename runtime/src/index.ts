/**
 * @ruth-ai/model-runtime: the public API for model authors and callers.
 * Each area of the runtime adds its own export lines here.
 */
export { defineModel } from './api/model.js';
export type * from './api/model.js';
export type * from './api/wire.js';
export type * from './config/model-config.js';
// Errors: every class, each with a stable code.
export { ERROR_CODES, LOCAL_ERROR_CODES, type ErrorCode, type LocalErrorCode } from './errors/codes.js';
export { RuntimeError, isRuntimeError, ConfigError, formatConfigError, isConfigError, WeightError, EngineLoadError, OptionError, StartupError, ClientError, type ConfigIssue, type StartupErrorCode } from './errors/errors.js';
// Frames, preprocessing and geometry (model authors map boxes back with these).
export { frameLayout, normaliseFormat, FRAME_FORMATS, MAX_DIMENSION, type FrameFormat, type FrameLayout } from './frames/layout.js';
export { readFrame, type Frame, type ReadFrameOptions } from './frames/read-frame.js';
export { encodeFrame } from './frames/encode.js';
export { encodeFrameMeta, parseFrameMeta, FRAME_META_SIZE, type FrameMetaHeader } from './frames/frame-meta.js';
export { writeExportFrame } from './frames/write-export.js';
export { preprocess, syntheticInput } from './preprocess/preprocess.js';
export { releaseInput } from './preprocess/tensor-pool.js';
export { cropCorners, type Corners, type Point, type RgbImage } from './preprocess/crop-corners.js';
export { computeGeometry, contentSize, inputBoxToFrame, inputPointToFrame, framePointToInput } from './preprocess/geometry.js';
export { boxIou } from './api/boxes.js';
// model.yaml, discovery and weights.
export { loadModelConfig, validateModelConfig } from './config/load-model-config.js';
export { defaultConfig } from './config/default-config.js';
export { discoverModels, type Discovery, type DiscoveredModel, type DiscoverOptions, type UnavailableModel } from './config/discover.js';
export { verifyWeights, sha256File } from './config/verify-weights.js';
export { fetchWeights, type FetchedWeight } from './config/fetch-weights.js';
// Serving: client, server entry, wire framing.
export { request, type RequestOptions } from './client/one-shot.js';
export { ModelClient, type ModelClientOptions } from './client/model-client.js';
export { startServer, type RunningServer } from './lifecycle/start-server.js';
export { serveOptionsFromEnv, type ServeOptions } from './config/serve-options.js';
export { jsonLogger, type Logger } from './log/logger.js';
export { runtimeVersion } from './config/runtime-version.js';
export { MessageDecoder, encodeMessage, parseBody, DEFAULT_MAX_REQUEST_BYTES } from './ipc/message-codec.js';
export { socketPathFor } from './ipc/socket-file.js';
// Engine adapters: packages resolved from the model folder.
export { loadTfjsGraphModel, initWasmBackend, readGraphModelArtifacts, type TfjsModel } from './engines/tfjs.js';
export { createOnnxSession, createOnnxSessions, sessionOptions, threadsPerWorker, type NamedSession, type OnnxEngine, type OnnxSessions, type OnnxSessionOptions, type OrtModule } from './engines/onnx.js';
export { requireFromModel, resolveFromModel } from './engines/resolve-from-model.js';

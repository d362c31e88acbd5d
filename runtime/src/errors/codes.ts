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
  UNKNOWN_OP: 'The request names an op this runtime does not know.',
  // Fields.
  MISSING_FIELD: 'A required field is absent.',
  INVALID_FIELD: 'A field has the wrong type or an out-of-range value.',
  INVALID_CONFIG: 'config is present but is not an object (or null), or one of its overrides is invalid.',
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
  INFERENCE_FAILED: 'The model handler threw or returned an invalid result.',
  WORKER_CRASHED: 'The worker running this request died; it has been replaced.',
  INTERNAL_ERROR: 'A bug in the runtime; the message has details.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

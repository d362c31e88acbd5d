/**
 * Every error class of the runtime, each with a stable `code` from
 * errors/codes.ts: programs match on `code`, humans read `message`.
 *
 * - RuntimeError: a request's failure; becomes a response's `error_code`.
 * - The others never reach the wire: they stop start-up, a build step or a
 *   client call, and their codes are listed in runtime/README.md ("Errors").
 */
import type { ErrorCode, LocalErrorCode } from './codes.js';

type Options = { cause?: unknown };
/** Names a subset of LOCAL_ERROR_CODES; a code missing from that table fails to compile. */
type Local<T extends LocalErrorCode> = T;

/** An error that becomes a response with `error` and `error_code` set. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(readonly code: ErrorCode, message: string, options?: Options) {
    super(message, options);
  }
}

export function isRuntimeError(err: unknown): err is RuntimeError {
  return err instanceof RuntimeError;
}

/** One problem in a model.yaml: the YAML path (e.g. `weights[0].sha256`, empty for the document), the 1-based line when known. */
export interface ConfigIssue {
  path: string;
  line?: number;
  message: string;
}

/**
 * A model.yaml that cannot be used. Every issue names the file, the path in
 * the YAML and the line, so one look at the message says what to fix and where.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID' satisfies LocalErrorCode;
  constructor(readonly file: string, readonly issues: readonly ConfigIssue[], options?: Options) {
    super(issues.map((i) => formatIssue(file, i)).join('\n'), options);
  }

  /** First issue's line, for callers that report one location. */
  get line(): number | undefined {
    return this.issues[0]?.line;
  }

  get path(): string {
    return this.issues[0]?.path ?? '';
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}` : file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** One clear line: `file:line: path: message (and N more problems)`. */
export function formatConfigError(err: unknown): string {
  if (err instanceof ConfigError) {
    const first = err.issues[0];
    const line = first ? formatIssue(err.file, first) : `${err.file}: invalid`;
    const more = err.issues.length - 1;
    return more > 0 ? `${line} (and ${more} more problem${more === 1 ? '' : 's'})` : line;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A weight file that is missing, unpinned or not the pinned bytes. Fatal at build and at start. */
export class WeightError extends Error {
  override name = 'WeightError';
  constructor(readonly code: Local<'WEIGHT_MISSING' | 'WEIGHT_MISMATCH' | 'WEIGHT_SOURCE'>, message: string, options?: Options) {
    super(message, options);
  }
}

/** An engine package (tfjs, onnxruntime-node) the model folder lacks, or one that fails to initialise. */
export class EngineLoadError extends Error {
  override name = 'EngineLoadError';
  readonly code = 'ENGINE_LOAD_FAILED' satisfies LocalErrorCode;
}

/** A RUTH_* environment variable with a bad value; start-up stops naming it. */
export class OptionError extends Error {
  override name = 'OptionError';
  readonly code = 'OPTION_INVALID' satisfies LocalErrorCode;
}

export type StartupErrorCode = Local<
  'NO_USABLE_MODEL' | 'MODEL_AMBIGUOUS' | 'GPU_REQUIRED' | 'RUNTIME_MISMATCH' | 'SOCKET_IN_USE' | 'LOAD_FAILED' | 'LOAD_TIMEOUT' | 'STOPPED_WHILE_LOADING'
>;

/** `ruth-model serve` cannot start: the container exits 1 with this message. */
export class StartupError extends Error {
  override name = 'StartupError';
  constructor(readonly code: StartupErrorCode, message: string, options?: Options) {
    super(message, options);
  }
}

/**
 * A client call that got no answer. Its codes are not the wire's: CLIENT_TIMEOUT
 * is this caller's deadline, while a response's TIMEOUT is the model's.
 */
export class ClientError extends Error {
  override name = 'ClientError';
  constructor(readonly code: Local<'CLIENT_TIMEOUT' | 'CLIENT_CLOSED' | 'CLIENT_CONNECT' | 'CLIENT_PROTOCOL'>, message: string, options?: Options) {
    super(message, options);
  }
}

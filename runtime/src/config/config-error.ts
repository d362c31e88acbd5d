/**
 * A model.yaml that cannot be used. Every issue names the file, the path in
 * the YAML (e.g. weights[0].sha256) and the line, so one look at the message
 * says what to fix and where.
 */
export interface ConfigIssue {
  /** The YAML path, e.g. `weights[0].sha256`; empty for the document itself. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: ConfigIssue[], options?: { cause?: unknown }) {
    super(issues.map((i) => formatIssue(file, i)).join('\n'), options);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
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

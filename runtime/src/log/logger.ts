/** JSON-lines logs on stdout: one object per line, machine-readable first. */
export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(base: Record<string, unknown> = {}, out: NodeJS.WritableStream = process.stdout): Logger {
  return (level, msg, fields) => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields })}\n`);
  };
}

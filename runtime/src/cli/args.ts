/** Tiny flag parsing for the CLI: `--name value` and `--name=value` only. */
import { parseArgs } from 'node:util';

export function flags(argv: string[], names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  return values as Record<string, string | undefined>;
}

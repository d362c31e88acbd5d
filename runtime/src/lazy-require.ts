/**
 * A dependency loaded on first use instead of at import. The model's handler
 * imports the runtime's public entry in every worker thread, and that entry
 * reaches the config loader and the metrics; but a worker never parses
 * model.yaml, compiles its schema or keeps metrics. Loading yaml, js-yaml,
 * ajv and prom-client there anyway cost each worker 0.1-0.4 s of its start
 * (measured with --cpu-prof in the container; docs/benchmarks.md).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `load()` requires `name` (resolved from the runtime's own folder) once and returns it. */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}

/**
 * A histogram whose observe() is a bucket search and three adds on typed
 * arrays, for the per-request path. prom-client's own Histogram allocates,
 * validates labels and hashes them on every observation, which measured
 * about 2-3% of the main thread in the no-op bench; this one does that work
 * never. It registers in a prom-client Registry as a collector of its own,
 * answering get() in prom-client's metric shape, so the exposition (text
 * format, `le` labels, +Inf, _sum, _count) is still prom-client's.
 */
import type { Metric, Registry } from 'prom-client';

export class CheapHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #bounds: Float64Array;
  /** Per bucket (last = +Inf), not cumulative: get() accumulates. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(options: { name: string; help: string; buckets: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#bounds = Float64Array.from(options.buckets);
    this.#counts = new Float64Array(options.buckets.length + 1);
  }

  /** Adds this histogram to a registry's exposition (it counts from its creation either way). */
  register(registry: Registry): void {
    registry.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.#counts[i]!++;
    this.#sum += value;
    this.#count++;
  }

  /** prom-client's collector interface: the current values, cumulative per `le`. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: { labels: Record<string, string | number>; value: number; metricName: string }[] } {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      cumulative += this.#counts[i]!;
      values.push({ labels: { le: i < this.#bounds.length ? this.#bounds[i]! : '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` });
    }
    values.push({ labels: {}, value: this.#sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.#count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

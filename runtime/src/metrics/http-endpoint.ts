/**
 * The optional TCP scrape endpoint (RUTH_METRICS_PORT): GET /metrics answers
 * the exposition, anything else 404. Off by default: hardened containers run
 * with no network, and the socket's `metrics` op serves them.
 */
import http from 'node:http';
import type { Metrics } from './metrics.js';

/**
 * `settled`: resolves once the answers workers wrote but have not reported
 * yet are counted (WorkerPool.settleReports), so a scrape never lags what a
 * caller already received.
 */
export async function startMetricsEndpoint(metrics: Metrics, port: number, settled: () => Promise<void> = () => Promise.resolve()): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    settled()
      .then(() => metrics.text())
      .then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err instanceof Error ? err.message : String(err)}\n`),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

import { createServer, type Server } from 'node:http';
import { type Logger, Runtime } from '@temporalio/worker';
import { freePort } from '../runtime/free-port';
import type { Registry } from 'prom-client';
import { metricsRegistry } from './metrics';

/**
 * Worker metrics. The Temporal SDK's core exports its own metrics (task latencies, slots, polls,
 * sticky cache, activity and workflow outcomes) through a Prometheus exporter it serves itself;
 * calsync's metrics (propagation, provider calls, the Autotask budget) live in prom-client. A worker
 * serves both on one address: `serveWorkerMetrics` answers `/metrics` with calsync's metrics
 * followed by the SDK's, so Prometheus scrapes one target per worker.
 */

/**
 * Installs the Temporal runtime with its Prometheus exporter on `bindAddress` (host:port). Call it
 * once per process, before the worker's NativeConnection is made.
 */
export function installTemporalRuntimeMetrics(bindAddress: string, logger?: Logger): void {
  Runtime.install({
    ...(logger ? { logger } : {}),
    telemetryOptions: {
      metrics: {
        metricPrefix: 'temporal_',
        prometheus: { bindAddress, useSecondsForDurations: true, countersTotalSuffix: true },
      },
    },
  });
}

export interface WorkerMetricsOptions {
  /** Where to serve `/metrics` (host:port; port 0 picks a free one). */
  bindAddress: string;
  /** The SDK exporter's address as given to installTemporalRuntimeMetrics; omitted: calsync's metrics only. */
  temporalMetricsAddress?: string;
  registry?: Registry;
}

/** Serves `/metrics`; resolves with the server (its address says the port) once listening. */
export async function serveWorkerMetrics(options: WorkerMetricsOptions): Promise<Server> {
  const registry = options.registry ?? metricsRegistry;
  const [host, port] = splitAddress(options.bindAddress);
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    void collect(registry, options.temporalMetricsAddress).then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`)
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

async function collect(registry: Registry, temporalAddress: string | undefined): Promise<string> {
  const own = await registry.metrics();
  if (!temporalAddress) return own;
  try {
    const response = await fetch(`http://${temporalAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return own;
    return `${own.trimEnd()}\n${await response.text()}`;
  } catch {
    // The SDK exporter being away must not hide calsync's own metrics.
    return own;
  }
}

function splitAddress(address: string): [string, number] {
  const cut = address.lastIndexOf(':');
  if (cut <= 0) throw new Error(`metrics address "${address}" must be host:port`);
  return [address.slice(0, cut), Number(address.slice(cut + 1))];
}

/**
 * Everything a worker process needs for metrics, in one call: the Temporal runtime's exporter on a
 * private loopback port, and `/metrics` on `bindAddress` serving calsync's metrics followed by the
 * SDK's. Call it before the worker's NativeConnection is made (the runtime is installed once).
 */
export async function startWorkerMetrics(bindAddress: string, logger?: Logger): Promise<Server> {
  const temporalMetricsAddress = `127.0.0.1:${await freePort()}`;
  installTemporalRuntimeMetrics(temporalMetricsAddress, logger);
  return serveWorkerMetrics({ bindAddress, temporalMetricsAddress });
}

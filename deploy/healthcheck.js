/* global __dirname, fetch, AbortSignal, setTimeout */
// A plain CommonJS script (it runs in the image next to dist/, with no TypeScript toolchain).
/* eslint-disable @typescript-eslint/no-require-imports */
// Container health check of the calsync image: `node deploy/healthcheck.js api|worker`.
// Exits 0 when healthy, 1 when not, with one line saying why (docker inspect shows it).
//
// - api: GET /healthz on the API's own port answers 200 (the process is up and serving HTTP).
// - worker: the Temporal server has seen this container's worker poll its task queue recently,
//   for workflow tasks and for activity tasks. A worker process that is alive but has lost its
//   connection, or is stuck, stops polling; a process check alone would not notice. The worker's
//   identity is "<pid>@<hostname>", so the pollers of this container are those ending in
//   "@<hostname>".
'use strict';

const os = require('node:os');
const path = require('node:path');

const TIMEOUT_MS = 8_000;
// An idle worker re-polls about once a minute (the server's long-poll timeout), a busy one more often.
const POLL_FRESH_MS = 150_000;

function loadConfig() {
  // In a source checkout under tsx (tests), the TypeScript config; in the image, the compiled one.
  try {
    return require(path.join(__dirname, '..', 'src', 'config')).loadConfig();
  } catch (err) {
    if (err && err.code !== 'MODULE_NOT_FOUND') throw err;
    return require(path.join(__dirname, '..', 'dist', 'config.js')).loadConfig();
  }
}

async function checkApi(config) {
  const host = ['0.0.0.0', '::', '[::]'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.API_PORT}/healthz`;
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return `API answers ${url}`;
}

function millis(timestamp) {
  if (!timestamp) return 0;
  const seconds = timestamp.seconds;
  const whole = typeof seconds === 'object' && seconds !== null ? seconds.toNumber() : Number(seconds ?? 0);
  return whole * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}

async function checkWorker(config) {
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set');
  const { Connection } = require('@temporalio/client');
  const { temporal } = require('@temporalio/proto');
  const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
  const suffix = `@${os.hostname()}`;
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: TIMEOUT_MS });
  try {
    let latest = 0;
    for (const [label, type] of [
      ['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
      ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
    ]) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: { name: config.TEMPORAL_TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: type,
      });
      const ours = (pollers ?? []).filter((p) => typeof p.identity === 'string' && p.identity.endsWith(suffix));
      if (ours.length === 0) {
        throw new Error(`no ${label} poller of this container (${suffix}) on task queue ${config.TEMPORAL_TASK_QUEUE}`);
      }
      latest = Math.max(latest, ...ours.map((p) => millis(p.lastAccessTime)));
    }
    const age = Date.now() - latest;
    if (age > POLL_FRESH_MS) throw new Error(`the last poll of this container was ${Math.round(age / 1000)} s ago`);
    return `worker polls task queue ${config.TEMPORAL_TASK_QUEUE} (last poll ${Math.round(age / 1000)} s ago)`;
  } finally {
    await connection.close();
  }
}

async function main() {
  const role = process.argv[2] ?? 'api';
  const checks = { api: checkApi, worker: checkWorker };
  const check = checks[role];
  if (!check) throw new Error(`unknown role "${role}" (use api or worker)`);
  return check(loadConfig());
}

setTimeout(() => {
  process.stderr.write(`unhealthy: no answer within ${2 * TIMEOUT_MS} ms\n`);
  process.exit(1);
}, 2 * TIMEOUT_MS).unref();

main().then(
  (line) => {
    process.stdout.write(`healthy: ${line}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`unhealthy: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  }
);

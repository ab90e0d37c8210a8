import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { waitUntil } from './wait-until';

export interface DevServerOptions {
  cliPath: string;
  /** The SQLite file lives here, so workflow history survives a restart. */
  dataDir: string;
  port: number;
  /** UI port; `undefined` runs headless. */
  uiPort?: number;
  namespace: string;
  searchAttributes: SearchAttributeKey<SearchAttributeType>[];
  /** The codec endpoint the UI uses to decrypt payloads. */
  uiCodecEndpoint?: string;
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const typeNames: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DATETIME: 'Datetime',
  BOOL: 'Bool',
  DOUBLE: 'Double',
  KEYWORD_LIST: 'KeywordList',
};

/** Starts `temporal server start-dev` with a persistent database and waits until it answers. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.resolve(options.dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    // An activity scheduled by a workflow task goes back to the worker with the task's answer
    // instead of through the matching service: one hop less per sync round (ADR 0010).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...options.searchAttributes.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${typeNames[key.type] ?? key.type}`,
    ]),
    ...(options.extraArgs ?? []),
  ];
  // Its own process group: a terminal's Ctrl-C reaches the supervisor, which stops the server last.
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = `exited with ${signal ?? code}`));
  child.on('error', (err) => (exit = `failed to start: ${err.message}`));

  const address = `127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntil(
      `Temporal dev server at ${address}`,
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: options.namespace });
        } finally {
          await connection.close();
        }
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        abort: () =>
          exit
            ? new Error(`Temporal dev server ${exit}:\n${output.join('').trim().split('\n').slice(-10).join('\n')}`)
            : undefined,
      }
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://127.0.0.1:${options.uiPort}`,
    process: child,
    stop,
  };
}

import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The CLI version calsync builds: the last tag that `go install` can build (see docs/architecture.md). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type TemporalTarget =
  | { kind: 'existing-cluster'; address: string }
  | { kind: 'cli'; path: string; source: 'PATH' | 'TEMPORAL_CLI_PATH' | 'project build' };

export interface ResolveOptions {
  env: { TEMPORAL_ADDRESS?: string; TEMPORAL_CLI_PATH?: string; PATH?: string };
  /** The project root; the local build lives in <projectDir>/.temporal/bin. */
  projectDir: string;
  /** May the resolver build the CLI with Go when nothing else is found? */
  allowBuild?: boolean;
  log?: (line: string) => void;
}

export class TemporalCliError extends Error {
  override name = 'TemporalCliError';
}

export function localCliPath(projectDir: string): string {
  return path.join(projectDir, '.temporal', 'bin', 'temporal');
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks a command up on PATH the way a shell would. */
export function findOnPath(command: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function findGo(pathVar: string | undefined): string | undefined {
  return findOnPath('go', pathVar) ?? (isExecutableFile('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

const waysOut = [
  '  1. set TEMPORAL_ADDRESS to an existing Temporal cluster (host:port), or',
  '  2. put the `temporal` CLI on PATH, or',
  '  3. set TEMPORAL_CLI_PATH to a `temporal` binary',
  `(or install Go >= 1.25 so that calsync can build ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} itself).`,
].join('\n');

/**
 * Decides where Temporal comes from, in this order: an existing cluster (TEMPORAL_ADDRESS), `temporal`
 * on PATH, TEMPORAL_CLI_PATH, the project-local build, and finally a fresh project-local build with Go.
 */
export async function resolveTemporal(options: ResolveOptions): Promise<TemporalTarget> {
  const { env, projectDir } = options;
  if (env.TEMPORAL_ADDRESS) return { kind: 'existing-cluster', address: env.TEMPORAL_ADDRESS };

  const onPath = findOnPath('temporal', env.PATH);
  if (onPath) return { kind: 'cli', path: onPath, source: 'PATH' };

  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutableFile(env.TEMPORAL_CLI_PATH)) {
      throw new TemporalCliError(
        `TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file. Fix the path, or unset it and:\n${waysOut}`
      );
    }
    return { kind: 'cli', path: env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' };
  }

  const local = localCliPath(projectDir);
  if (isExecutableFile(local)) return { kind: 'cli', path: local, source: 'project build' };

  if (options.allowBuild === false) {
    throw new TemporalCliError(`No Temporal CLI found and building it is disabled. Either:\n${waysOut}`);
  }
  const go = findGo(env.PATH);
  if (!go)
    throw new TemporalCliError(`No Temporal CLI found, and Go is not installed to build one. Either:\n${waysOut}`);
  await buildTemporalCli(go, projectDir, options.log ?? ((line) => process.stderr.write(`${line}\n`)));
  return { kind: 'cli', path: local, source: 'project build' };
}

/** Builds the CLI once into <projectDir>/.temporal/bin with `go install`. */
export async function buildTemporalCli(go: string, projectDir: string, log: (line: string) => void): Promise<void> {
  const binDir = path.dirname(localCliPath(projectDir));
  mkdirSync(binDir, { recursive: true });
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${path.relative(projectDir, binDir) || binDir} ` +
      '(first run only: no temporal on PATH and no TEMPORAL_CLI_PATH; this takes a few minutes)...'
  );
  const started = Date.now();
  const args = [
    'install',
    '-ldflags',
    `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
    `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`,
  ];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, args, {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => output.push(chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(localCliPath(projectDir))) {
    const tail = output.join('').trim().split('\n').slice(-15).join('\n');
    throw new TemporalCliError(
      `Building the Temporal CLI failed (go exited with ${code}):\n${tail}\nInstead:\n${waysOut}`
    );
  }
  log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s; later runs reuse it.`);
}

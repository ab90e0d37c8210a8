import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config';

export const projectDir = path.resolve(__dirname, '../..');
export const read = (file: string): string => readFileSync(path.join(projectDir, file), 'utf8');

/** Every setting the configuration schema knows (src/config.ts). */
export const configKeys = (): string[] => Object.keys(configSchema.shape);

/** Names the .env.example documents, as `NAME=…` or commented `# NAME=…` lines. */
export function documentedNames(text = read('.env.example')): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^\s*#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** `NAME=value` lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Environment variables that code in src/ reads directly (`process.env.X`, `env.X`, `env['X']`). */
export function envReadsInSource(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  const patterns = [/\benv\??\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g];
  for (const file of tsFiles(path.join(projectDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const name = match[1]!;
        reads.set(name, [...(reads.get(name) ?? []), path.relative(projectDir, file)]);
      }
    }
  }
  return reads;
}

export interface ComposeTool {
  /** How to call it: ['docker', 'compose'] or ['docker-compose']. */
  argv: string[];
  version: string;
}

/** `docker compose` (the v2 plugin) if it works, else Debian's `docker-compose`, else undefined. */
export function findComposeTool(): ComposeTool | undefined {
  for (const argv of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(argv[0]!, [...argv.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return { argv, version: probe.stdout.split('\n')[0]!.trim() };
  }
  return undefined;
}

/** Searches PATH for an executable. */
export function onPath(name: string): string | undefined {
  const probe = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() || undefined : undefined;
}

/** Dummy values for the secrets docker-compose.yml requires. */
export const dummySecrets: Record<string, string> = {
  POSTGRES_PASSWORD: 'pgsuperuser0',
  TEMPORAL_DB_PASSWORD: 'temporal0',
  CALSYNC_DB_PASSWORD: 'calsync0',
  CALSYNC_SECRETS_KEYS: `s1:${Buffer.alloc(32, 1).toString('base64')}`,
  CALSYNC_CODEC_KEYS: `c1:${Buffer.alloc(32, 2).toString('base64')}`,
  CALSYNC_BOOTSTRAP_ADMIN_KEY: 'csk_0123456789abcdef0123456789abcdef',
  PUBLIC_BASE_URL: 'https://calsync.example.com',
};

/**
 * Settings that only matter for local runs (`npm start`, tests): the production compose file does
 * not pass them to the calsync containers.
 */
export const localOnlySettings = new Set([
  'CALSYNC_DATA_DIR',
  'TEMPORAL_CLI_PATH',
  'TEMPORAL_DEV_PORT',
  'TEMPORAL_UI_PORT',
  'EMBEDDED_PG_PORT',
  'EMULATOR_HOST',
  'GRAPH_EMULATOR_PORT',
  'NETSUITE_EMULATOR_PORT',
  'AUTOTASK_EMULATOR_PORT',
  'CALSYNC_SANDBOX_DEMO_INTERVAL_MS',
  'EMULATOR_LOG_REQUESTS',
]);

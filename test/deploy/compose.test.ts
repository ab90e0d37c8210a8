import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config';
import { allSearchAttributes } from '../../src/workflows/search-attributes';
import { configKeys, dummySecrets, findComposeTool, localOnlySettings, onPath, projectDir, read } from './support';

/** The calsync services of docker-compose.yml and the processes they run. */
const CALSYNC_SERVICES = ['calsync-migrate', 'calsync-api', 'calsync-worker'];

interface ComposeService {
  image?: string;
  command?: string[];
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  stop_grace_period?: string;
  volumes?: unknown[];
}
interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A service's block in the raw file: from `  name:` to the next service or top-level key. */
function serviceBlock(compose: string, name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  if (start === -1) throw new Error(`no service ${name} in docker-compose.yml`);
  const rest = compose.slice(start + 1);
  const end = rest.slice(1).search(/\n {2}[a-z][\w-]*:\n|\n[a-z]/);
  return end === -1 ? rest : rest.slice(0, end + 1);
}

describe('docker-compose.yml (static checks)', () => {
  const compose = read('docker-compose.yml');

  it('pins every image to a version, never latest', () => {
    const images = [...compose.matchAll(/^\s+image:\s*(\S+)\s*$/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(6);
    for (const image of images) {
      // `${CALSYNC_IMAGE:-calsync:0.1.0}` pins through its default.
      const effective = image.replace(/^\$\{[A-Z_]+:-(.+)\}$/, '$1');
      expect([image, /:[\w][\w.-]*$/.test(effective) && !/:latest$/.test(effective)]).toEqual([image, true]);
    }
  });

  it('names no container and publishes no port for the scalable worker', () => {
    expect(compose).not.toMatch(/container_name:/);
    const worker = serviceBlock(compose, 'calsync-worker');
    expect(worker).toContain("command: ['node', 'dist/workers/main.js']");
    expect(worker).not.toMatch(/\bports:/);
  });

  it('passes every production setting of src/config.ts to the calsync containers', () => {
    const anchor = compose.slice(compose.indexOf('x-calsync-environment:'), compose.indexOf('\nservices:'));
    const passed = new Set([...anchor.matchAll(/^\s{2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
    const missing = configKeys().filter((key) => !passed.has(key) && !localOnlySettings.has(key));
    expect(missing).toEqual([]);
    const unknown = [...passed].filter((key) => !configKeys().includes(key));
    expect(unknown).toEqual([]);
  });

  it('mounts a Temporal dynamic config without development-only settings', () => {
    expect(compose).toContain('DYNAMIC_CONFIG_FILE_PATH: /etc/temporal/config/dynamicconfig/calsync.yaml');
    expect(compose).toContain('./deploy/temporal/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
    const dynamic = read('deploy/temporal/dynamicconfig/calsync.yaml');
    const keys = [...dynamic.matchAll(/^([a-zA-Z][\w.]+):\n {2}- value: \S+$/gm)].map((m) => m[1]);
    expect(keys).toContain('frontend.enableUpdateWorkflowExecution');
    // Every top-level line is a key followed by its value list.
    expect(dynamic.split('\n').filter((line) => /^\S/.test(line) && !line.startsWith('#')).length).toBe(keys.length);
    expect(dynamic).not.toMatch(/^system\.forceSearchAttributesCacheRefreshOnRead/m);
  });

  it('registers exactly the search attributes the workflows use', () => {
    const script = read('deploy/temporal/create-namespace.sh');
    const listed = /^SEARCH_ATTRIBUTES="([^"]*)"/m.exec(script)?.[1]?.split(/\s+/).sort();
    const typeName = (type: string) => type.charAt(0) + type.slice(1).toLowerCase();
    const expected = allSearchAttributes.map((key) => `${key.name}=${typeName(key.type)}`).sort();
    expect(listed).toEqual(expected);
  });
});

const tool = findComposeTool();
if (!tool) {
  process.stderr.write(
    'SKIPPED docker compose config: neither `docker compose` (the compose plugin) nor `docker-compose` is installed ' +
      '(on Debian: apt-get install docker-compose)\n'
  );
}
const describeWithCompose = tool ? describe : describe.skip;

describeWithCompose(`docker compose config (${tool?.argv.join(' ') ?? 'not installed'})`, () => {
  // Only what the test gives: never the developer's own .env or shell variables.
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const config = (env: Record<string, string>, extra: string[] = []) =>
    spawnSync(
      tool!.argv[0]!,
      [...tool!.argv.slice(1), '--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', ...extra],
      {
        cwd: projectDir,
        env: { ...baseEnv, ...env },
        encoding: 'utf8',
      }
    );

  /** The resolved model as JSON: v2 prints it itself, v1 prints YAML (parsed with its own PyYAML). */
  const resolvedModel = (): ComposeModel => {
    const v2 = tool!.argv.length === 2;
    const run = config(dummySecrets, v2 ? ['--format', 'json'] : []);
    expect(run.stderr.replace(/^.*warn.*$/gim, '').trim()).toBe('');
    expect(run.status).toBe(0);
    if (v2) return JSON.parse(run.stdout) as ComposeModel;
    const python = onPath('python3');
    if (!python)
      throw new Error(
        'docker-compose 1.x prints YAML; python3 (with PyYAML, a docker-compose dependency) is needed to read it'
      );
    const toJson = spawnSync(python, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
      input: run.stdout,
      encoding: 'utf8',
    });
    expect(toJson.status).toBe(0);
    return JSON.parse(toJson.stdout) as ComposeModel;
  };

  it('refuses to render without the secrets, naming the first one missing', () => {
    const run = config({});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/set [A-Z_]+ in \.env/);
  });

  it('renders with the secrets set, every image pinned and the services wired in order', () => {
    const model = resolvedModel();
    const services = model.services;
    expect(Object.keys(services).sort()).toEqual(
      [
        'calsync-api',
        'calsync-migrate',
        'calsync-worker',
        'postgres-init',
        'postgresql',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
      ].sort()
    );
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.image && /:(?!latest$)[\w.-]+$/.test(service.image)]).toEqual([name, true]);
      expect([name, service.container_name]).toEqual([name, undefined]);
    }
    const condition = (service: string, on: string) => services[service]!.depends_on?.[on]?.condition;
    expect(condition('postgres-init', 'postgresql')).toBe('service_healthy');
    expect(condition('temporal-schema', 'postgres-init')).toBe('service_completed_successfully');
    expect(condition('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(condition('temporal-namespace', 'temporal')).toBe('service_healthy');
    expect(condition('calsync-migrate', 'postgres-init')).toBe('service_completed_successfully');
    for (const service of ['calsync-api', 'calsync-worker']) {
      expect(condition(service, 'calsync-migrate')).toBe('service_completed_successfully');
      expect(condition(service, 'temporal-namespace')).toBe('service_completed_successfully');
    }
    expect(Object.keys(model.volumes ?? {})).toEqual(['calsync-postgres']);
  });

  it('gives the calsync containers one image, their own commands, and a working configuration', () => {
    const services = resolvedModel().services;
    const images = new Set(CALSYNC_SERVICES.map((name) => services[name]!.image));
    expect(images.size).toBe(1);
    expect(services['calsync-migrate']!.command).toEqual(['node', 'dist/migrate-main.js']);
    expect(services['calsync-api']!.command).toEqual(['node', 'dist/api/main.js']);
    expect(services['calsync-worker']!.command).toEqual(['node', 'dist/workers/main.js']);
    expect(services['calsync-worker']!.ports ?? []).toEqual([]);
    expect(services['calsync-worker']!.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.js', 'worker']);
    expect(services['calsync-api']!.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.js', 'api']);

    const env = services['calsync-worker']!.environment!;
    expect(env.DATABASE_URL).toBe(`postgres://calsync:${dummySecrets.CALSYNC_DB_PASSWORD}@postgresql:5432/calsync`);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.CALSYNC_SANDBOX).toBe('off');
    expect(env.CALSYNC_SECRETS_KEYS).toBe(dummySecrets.CALSYNC_SECRETS_KEYS);
    expect(env.CALSYNC_CODEC_KEYS).toBe(dummySecrets.CALSYNC_CODEC_KEYS);
    // What the containers get passes calsync's own configuration schema.
    const parsed = loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v ?? ''])));
    expect(parsed.API_HOST).toBe('0.0.0.0');
    expect(parsed.CALSYNC_WORKFLOW_BUNDLE).toBe('/app/dist/workflow-bundle.js');

    const ui = services['temporal-ui']!.environment!;
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:8080/codec');
    expect(ui.TEMPORAL_CODEC_PASS_ACCESS_TOKEN).toBe('false');
  });
});

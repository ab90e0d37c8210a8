import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config';
import { parseCodecKeys } from '../../src/codec/keys';
import { SecretBox } from '../../src/store/secret-box';
import { configKeys, documentedNames, envReadsInSource, parseEnvFile, projectDir, read } from './support';

// Read by the OS or the runtime, not settings of calsync.
const SYSTEM_VARIABLES = new Set(['PATH']);

describe('.env.example', () => {
  const documented = documentedNames();

  it('documents every setting of the configuration schema (src/config.ts)', () => {
    const missing = configKeys().filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('documents every environment variable src/ reads directly', () => {
    const reads = envReadsInSource();
    expect(reads.size).toBeGreaterThan(0);
    const missing = [...reads.entries()]
      .filter(([name]) => !SYSTEM_VARIABLES.has(name) && !documented.has(name))
      .map(([name, files]) => `${name} (read in ${[...new Set(files)].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('documents every variable docker-compose.yml interpolates', () => {
    const compose = read('docker-compose.yml')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const interpolated = new Set([...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(interpolated.size).toBeGreaterThan(10);
    const missing = [...interpolated].filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('leaves every secret empty, so compose refuses to start until they are set', () => {
    const values = parseEnvFile(read('.env.example'));
    for (const secret of [
      'POSTGRES_PASSWORD',
      'TEMPORAL_DB_PASSWORD',
      'CALSYNC_DB_PASSWORD',
      'CALSYNC_SECRETS_KEYS',
      'CALSYNC_CODEC_KEYS',
      'CALSYNC_BOOTSTRAP_ADMIN_KEY',
    ]) {
      expect([secret, values[secret]]).toEqual([secret, '']);
    }
    expect(values.CALSYNC_IMAGE).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
  });
});

describe('deploy/new-env.sh', () => {
  const generate = () => {
    const run = spawnSync('sh', ['deploy/new-env.sh'], { cwd: projectDir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return run.stdout;
  };

  it('fills every secret with values calsync and PostgreSQL accept, and keeps the rest of the template', () => {
    const text = generate();
    const values = parseEnvFile(text);
    for (const password of ['POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'CALSYNC_DB_PASSWORD']) {
      // Letters and digits only: the calsync password goes into DATABASE_URL unescaped.
      expect(values[password]).toMatch(/^[0-9a-f]{48}$/);
    }
    expect(() => new SecretBox(values.CALSYNC_SECRETS_KEYS!)).not.toThrow();
    expect(parseCodecKeys(values.CALSYNC_CODEC_KEYS!).keys.size).toBe(1);
    const config = loadConfig({
      CALSYNC_SECRETS_KEYS: values.CALSYNC_SECRETS_KEYS,
      CALSYNC_CODEC_KEYS: values.CALSYNC_CODEC_KEYS,
      CALSYNC_BOOTSTRAP_ADMIN_KEY: values.CALSYNC_BOOTSTRAP_ADMIN_KEY,
      DATABASE_URL: `postgres://calsync:${values.CALSYNC_DB_PASSWORD}@postgresql:5432/calsync`,
    });
    expect(config.CALSYNC_BOOTSTRAP_ADMIN_KEY).toBe(values.CALSYNC_BOOTSTRAP_ADMIN_KEY);
    // Only the empty secrets changed; PUBLIC_BASE_URL is the operator's to fill in.
    expect(values.PUBLIC_BASE_URL).toBe('');
    expect(text.split('\n').length).toBe(read('.env.example').split('\n').length);
  });

  it('makes different secrets on every run', () => {
    const [a, b] = [parseEnvFile(generate()), parseEnvFile(generate())];
    expect(a.CALSYNC_CODEC_KEYS).not.toBe(b.CALSYNC_CODEC_KEYS);
    expect(a.CALSYNC_DB_PASSWORD).not.toBe(b.CALSYNC_DB_PASSWORD);
  });
});

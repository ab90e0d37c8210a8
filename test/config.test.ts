import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('applies embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_UI_PORT).toBe(8233);
    expect(config.CALSYNC_SANDBOX).toBe('auto');
  });

  it('reports one line per bad value', () => {
    let error: unknown;
    try {
      loadConfig({ API_PORT: 'eighty', TEMPORAL_ADDRESS: 'no port here', DATABASE_URL: 'mysql://x/y' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('API_PORT:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('TEMPORAL_ADDRESS:'))).toMatch(/host:port/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toBeDefined();
  });

  it('reads a config file, lets the environment win, and rejects unknown keys in the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calsync-config-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ API_PORT: 9000, TEMPORAL_NAMESPACE: 'calsync' }));
    const config = loadConfig({ CALSYNC_CONFIG_FILE: good, TEMPORAL_NAMESPACE: 'from-env' });
    expect(config.API_PORT).toBe(9000);
    expect(config.TEMPORAL_NAMESPACE).toBe('from-env');

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ API_PROT: 9000 }));
    expect(() => loadConfig({ CALSYNC_CONFIG_FILE: bad })).toThrow(/API_PROT/);
    expect(() => loadConfig({ CALSYNC_CONFIG_FILE: path.join(dir, 'missing.json') })).toThrow(/missing\.json/);
  });
});

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { onPath, projectDir, read } from './support';

const RULES = 'deploy/prometheus/calsync-alerts.yml';

/** Metric names that src/ defines (calsync_* in prom-client definitions). */
function definedCalsyncMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts')) {
        for (const match of readFileSync(full, 'utf8').matchAll(/['"](calsync_[a-z_]+)['"]/g)) names.add(match[1]!);
      }
    }
  };
  walk(path.join(projectDir, 'src'));
  return names;
}

describe('Prometheus alert rules', () => {
  const rules = read(RULES);

  it('only uses calsync metrics that calsync defines', () => {
    const defined = definedCalsyncMetrics();
    const used = new Set(
      [...rules.matchAll(/\b(calsync_[a-z_]+)/g)]
        .map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''))
        .filter((name) => name.length > 'calsync_'.length)
    );
    expect(used.size).toBeGreaterThanOrEqual(5);
    const unknown = [...used].filter((name) => !defined.has(name));
    expect(unknown).toEqual([]);
  });

  it('gives every alert a severity and a summary', () => {
    const alerts = [...rules.matchAll(/- alert: (\w+)\n([\s\S]*?)(?=\n\s+- alert:|\n {2}- name:|$)/g)];
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const [, name, body] of alerts) {
      expect([name, /severity: (critical|warning)/.test(body!), /summary: /.test(body!)]).toEqual([name, true, true]);
    }
  });

  const promtool = onPath('promtool');
  if (!promtool) {
    process.stderr.write(
      'SKIPPED promtool checks: promtool is not installed (on Debian: apt-get install prometheus)\n'
    );
  }
  const withPromtool = promtool ? it : it.skip;

  withPromtool('pass promtool check rules', () => {
    const run = spawnSync(promtool!, ['check', 'rules', RULES], { cwd: projectDir, encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  withPromtool('fire as the promtool unit tests expect', () => {
    const run = spawnSync(promtool!, ['test', 'rules', 'test/deploy/prometheus/calsync-alerts.test.yml'], {
      cwd: projectDir,
      encoding: 'utf8',
    });
    expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

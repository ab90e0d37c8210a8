import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectDir, read } from './support';

/**
 * There is no Docker engine here, so the image cannot be built in tests; these checks hold the
 * Dockerfile to what the deployment relies on, and the production start test runs the same
 * commands the image runs (compiled entry points aside).
 */
describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  // Instructions with their continuation lines joined.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = instructions.filter((line) => line.startsWith('FROM '));
  const runtimeStart = instructions.findIndex((line) => /^FROM .* AS runtime$/.test(line));
  const runtime = instructions.slice(runtimeStart);

  it('builds in one stage and runs from a second, on a pinned Node image', () => {
    expect(stages).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
  });

  it('installs with npm ci, then compiles and prebuilds the workflow bundle, and ships no dev dependencies', () => {
    const at = (pattern: RegExp) => instructions.findIndex((line) => pattern.test(line));
    const ci = at(/^RUN npm ci\b/);
    const build = at(/^RUN npm run build && npm run build:bundle$/);
    const prune = at(/^RUN npm prune --omit=dev\b/);
    expect(ci).toBeGreaterThan(0);
    expect(build).toBeGreaterThan(ci);
    expect(prune).toBeGreaterThan(build);
    expect(prune).toBeLessThan(runtimeStart);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:bundle']).toBe('tsx scripts/build-workflow-bundle.ts');
    expect(scripts.migrate).toBe('node --import tsx src/migrate-main.ts');
  });

  it('runs as a non-root user, under tini, with node itself as the process', () => {
    const user = runtime.filter((line) => line.startsWith('USER '));
    expect(user).toEqual(['USER node']);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime[runtime.length - 1]).toBe('CMD ["node", "dist/api/main.js"]');
    expect(runtime.findIndex((l) => l.startsWith('USER '))).toBeLessThan(
      runtime.findIndex((l) => l.startsWith('CMD '))
    );
  });

  it('has a health check, and points workers at the bundle the build step writes', () => {
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK '))).toMatch(
      /CMD \["node", "deploy\/healthcheck\.js", "api"\]$/
    );
    expect(dockerfile).toContain('CALSYNC_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
    expect(read('scripts/build-workflow-bundle.ts')).toContain(
      "path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js')"
    );
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect([source, existsSync(path.join(projectDir, source))]).toEqual([source, true]);
      const top = source.split('/')[0]!;
      expect([source, ignored.includes(top) || ignored.includes(source)]).toEqual([source, false]);
    }
    // Secrets and local state stay out of the context.
    for (const entry of ['.env', '.data', 'node_modules', '.git']) expect(ignored).toContain(entry);
  });
});

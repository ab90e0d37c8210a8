import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localCliPath, resolveTemporal, TemporalCliError } from '../../src/runtime/temporal-cli';

/** Real executables in temporary folders stand in for the world the resolver looks at. */
function executable(dir: string, name: string, body = 'exit 0'): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('Temporal CLI resolution', () => {
  let root: string;
  let emptyBin: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'calsync-cli-'));
    emptyBin = path.join(root, 'empty-bin');
    mkdirSync(emptyBin);
  });
  const project = () => path.join(root, 'project');

  it('uses an existing cluster when TEMPORAL_ADDRESS is set, and looks for nothing else', async () => {
    const target = await resolveTemporal({
      env: { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_CLI_PATH: '/does/not/exist', PATH: emptyBin },
      projectDir: project(),
    });
    expect(target).toEqual({ kind: 'existing-cluster', address: 'temporal.internal:7233' });
  });

  it('prefers `temporal` on PATH over TEMPORAL_CLI_PATH', async () => {
    const onPath = executable(path.join(root, 'bin'), 'temporal');
    const elsewhere = executable(path.join(root, 'other'), 'temporal');
    const target = await resolveTemporal({
      env: { PATH: `${emptyBin}:${path.join(root, 'bin')}`, TEMPORAL_CLI_PATH: elsewhere },
      projectDir: project(),
    });
    expect(target).toEqual({ kind: 'cli', path: onPath, source: 'PATH' });
  });

  it('uses TEMPORAL_CLI_PATH when nothing is on PATH', async () => {
    const cli = executable(path.join(root, 'other'), 'temporal');
    const target = await resolveTemporal({ env: { PATH: emptyBin, TEMPORAL_CLI_PATH: cli }, projectDir: project() });
    expect(target).toEqual({ kind: 'cli', path: cli, source: 'TEMPORAL_CLI_PATH' });
  });

  it('explains a TEMPORAL_CLI_PATH that is not an executable', async () => {
    const error = await resolveTemporal({
      env: { PATH: emptyBin, TEMPORAL_CLI_PATH: path.join(root, 'nope') },
      projectDir: project(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalCliError);
    expect((error as Error).message).toContain(
      `TEMPORAL_CLI_PATH=${path.join(root, 'nope')} is not an executable file`
    );
  });

  it('reuses the project-local build', async () => {
    const local = localCliPath(project());
    executable(path.dirname(local), 'temporal');
    const target = await resolveTemporal({ env: { PATH: emptyBin }, projectDir: project(), allowBuild: false });
    expect(target).toEqual({ kind: 'cli', path: local, source: 'project build' });
  });

  it('names the three ways out when it may not build', async () => {
    const error = await resolveTemporal({ env: { PATH: emptyBin }, projectDir: project(), allowBuild: false }).catch(
      (e: unknown) => e
    );
    expect((error as Error).message).toMatch(/TEMPORAL_ADDRESS/);
    expect((error as Error).message).toMatch(/`temporal` CLI on PATH/);
    expect((error as Error).message).toMatch(/TEMPORAL_CLI_PATH/);
  });

  it('builds once with go install into the project folder, saying that it is the first run', async () => {
    const bin = path.join(root, 'gobin');
    // A stand-in `go` that records its arguments and produces the binary where GOBIN says.
    executable(
      bin,
      'go',
      `echo "$@" > "${root}/go-args"\nprintf '#!/bin/sh\\n' > "$GOBIN/temporal"\nchmod +x "$GOBIN/temporal"`
    );
    const lines: string[] = [];
    const target = await resolveTemporal({ env: { PATH: bin }, projectDir: project(), log: (l) => lines.push(l) });
    expect(target).toEqual({ kind: 'cli', path: localCliPath(project()), source: 'project build' });
    expect(lines[0]).toMatch(/Building the Temporal CLI v1\.5\.1 .*first run only/);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(root, 'go-args'), 'utf8')).toContain('install');
    expect(readFileSync(path.join(root, 'go-args'), 'utf8')).toContain('github.com/temporalio/cli/cmd/temporal@v1.5.1');
  });

  it('reports a failed build with the compiler output and the ways out', async () => {
    const bin = path.join(root, 'gobin');
    executable(bin, 'go', 'echo "go: module lookup disabled" >&2\nexit 1');
    const error = await resolveTemporal({ env: { PATH: bin }, projectDir: project(), log: () => undefined }).catch(
      (e: unknown) => e
    );
    expect((error as Error).message).toMatch(/Building the Temporal CLI failed \(go exited with 1\)/);
    expect((error as Error).message).toContain('go: module lookup disabled');
    expect((error as Error).message).toContain('TEMPORAL_ADDRESS');
  });
});

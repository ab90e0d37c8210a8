import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';

/** Backoff for a failed signal: about two minutes in all, longer than a Temporal restart. */
export const REDELIVERY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

/**
 * A webhook is answered once and not sent again: NetSuite's User Event script posts each change a
 * single time, and Graph does not redeliver an accepted notification. When the signal it carries
 * fails because Temporal is unreachable (a restart, a network cut), the hint would be lost until
 * the next poll (NetSuite with push: 15 minutes). It is tried again here in the background;
 * the user's workflow drops a hint it already had (hint ids), so an attempt that did land twice
 * costs nothing.
 */
export class SignalRedelivery {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>,
    private readonly delaysMs: readonly number[] = REDELIVERY_DELAYS_MS
  ) {}

  /** Signals waiting for their next attempt. */
  get pending(): number {
    return this.timers.size;
  }

  schedule(workflowId: string, send: () => Promise<void>, attempt = 0): void {
    if (this.closed) return;
    const delay = this.delaysMs[attempt];
    if (delay === undefined) {
      this.log.error({ workflowId, attempts: attempt }, 'signal dropped: Temporal stayed unreachable');
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send().then(
        () => this.log.info({ workflowId, attempt: attempt + 1 }, 'signal redelivered'),
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return; // the user's sync ended meanwhile
          this.log.warn({ workflowId, attempt: attempt + 1, err: (err as Error).message }, 'signal failed again');
          this.schedule(workflowId, send, attempt + 1);
        }
      );
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** Stops every pending attempt (the API is shutting down). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

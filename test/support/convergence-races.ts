import type { Sandbox } from '../../src/runtime/sandbox';
import type { SideName } from './convergence-model';

/** One sync request that read or wrote a record, from arrival to answer (epoch ms). */
interface Touch {
  kind: 'read' | 'write';
  start: number;
  end: number;
}

/**
 * No provider offers calsync a conditional write (NetSuite and Autotask have none, Graph's If-Match
 * on events is undocumented: ../shared/providers). A person's edit that lands after a sync round
 * read a record and before it wrote the same field there is overwritten, and no sync can see it.
 * True when the emulator's log shows that interleaving for this record around `editAt`: the last
 * read before a write began before the edit, and that write ended after it.
 */
export function overwrittenMidRound(
  sandbox: Sandbox,
  side: SideName,
  recordId: string,
  editAt: number,
  mailbox: string
): boolean {
  const touches = touchesOf(sandbox, side, recordId, mailbox).sort((a, b) => a.start - b.start);
  let lastRead: Touch | undefined;
  for (const touch of touches) {
    if (touch.kind === 'read') lastRead = touch;
    else if (lastRead && lastRead.start <= editAt && touch.end >= editAt) return true;
  }
  return false;
}

function touchesOf(sandbox: Sandbox, side: SideName, recordId: string, mailbox: string): Touch[] {
  const span = (at: string, durationMs: number) => ({ start: Date.parse(at), end: Date.parse(at) + durationMs });
  if (side === 'netsuite') {
    const path = new RegExp(`/calendarEvent/${recordId}(\\?|$)`);
    return sandbox.netsuite.requestLog
      .filter((r) => path.test(r.url) && r.status < 300)
      .map((r) => ({ kind: r.method === 'GET' ? 'read' : 'write', ...span(r.at, r.durationMs) }));
  }
  if (side === 'autotask') {
    return sandbox.autotask.requestLog
      .entries()
      .filter((r) => r.recordId === Number(recordId) && r.status < 300 && (r.action === 'get' || r.action === 'update'))
      .map((r) => ({ kind: r.action === 'get' ? 'read' : 'write', ...span(r.at, r.durationMs) }));
  }
  // Outlook is read through delta pulls of the mailbox as well as by id.
  const upn = mailbox.toLowerCase();
  return sandbox.graph.requestLog
    .filter((r) => r.mailbox === upn && r.status < 300)
    .flatMap((r): Touch[] => {
      const url = decodeURIComponent(r.url);
      const byId = url.includes(`/events/${recordId}`);
      if (r.method === 'GET' && (byId || /\/(calendarView|events)\/delta/i.test(url)))
        return [{ kind: 'read', ...span(r.at, r.durationMs) }];
      if (r.method === 'PATCH' && byId) return [{ kind: 'write', ...span(r.at, r.durationMs) }];
      return [];
    });
}

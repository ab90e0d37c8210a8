import { GraphHttpError } from './graph-error';
import { newOpaqueToken, presentId } from './ids';
import type { CalendarEntry, Mailbox } from './model';
import { seriesEntries, viewEntries } from './occurrences';
import { renderEntry, renderMinimalOccurrence, type Json, type RenderOptions } from './render';

/**
 * calendarView/delta. A delta token remembers which items (and which versions) the client has
 * seen in its window; the next round reports what differs: new and changed items in full (plain
 * occurrences minimal), and `@removed` for items that were deleted or left the window. Like
 * Graph, it also reports `@removed` for items changed outside the window since the last round.
 */

interface SyncState {
  mailbox: string;
  fromMs: number;
  toMs: number;
  /** id → version of every item the client holds. */
  seen: Map<string, string>;
  generation: number;
  issuedAt: number;
  epoch: number;
}

interface PageState {
  pages: Json[][];
  next: SyncState;
  issuedAt: number;
  epoch: number;
}

export interface DeltaOptions {
  now: () => number;
  /** A delta token older than this answers 410 SyncStateNotFound. */
  tokenTtlMs: () => number;
  defaultPageSize: () => number;
  outOfWindowRemovals: () => boolean;
  epoch: () => number;
}

export interface DeltaPage {
  value: Json[];
  nextToken?: string;
  deltaToken?: string;
}

const versionOf = (e: CalendarEntry) =>
  e.type === 'occurrence'
    ? `${e.master.changeKey}|${e.startMs}`
    : `${e.master.changeKey}|${e.exception?.changeKey ?? ''}`;

export class DeltaTokens {
  private readonly syncStates = new Map<string, SyncState>();
  private readonly pageStates = new Map<string, PageState>();

  constructor(private readonly opts: DeltaOptions) {}

  start(
    mailbox: Mailbox,
    fromMs: number,
    toMs: number,
    render: RenderOptions,
    pageSize: number | undefined
  ): DeltaPage {
    const initial: SyncState = {
      mailbox: mailbox.upn,
      fromMs,
      toMs,
      seen: new Map(),
      generation: mailbox.generation,
      issuedAt: this.opts.now(),
      epoch: this.opts.epoch(),
    };
    return this.round(mailbox, initial, render, pageSize, true);
  }

  resumeDelta(mailbox: Mailbox, token: string, render: RenderOptions, pageSize: number | undefined): DeltaPage {
    const state = this.syncStates.get(token);
    if (!state || state.mailbox !== mailbox.upn || this.expired(state)) throw syncStateNotFound(state?.generation ?? 0);
    return this.round(mailbox, state, render, pageSize, false);
  }

  resumeSkip(mailbox: Mailbox, token: string): DeltaPage {
    const state = this.pageStates.get(token);
    if (!state || state.next.mailbox !== mailbox.upn || this.expired(state)) throw syncStateNotFound(0);
    this.pageStates.delete(token);
    return this.emit(state);
  }

  private expired(state: { issuedAt: number; epoch: number }): boolean {
    return state.epoch !== this.opts.epoch() || this.opts.now() - state.issuedAt > this.opts.tokenTtlMs();
  }

  private round(
    mailbox: Mailbox,
    state: SyncState,
    render: RenderOptions,
    pageSize: number | undefined,
    initial: boolean
  ): DeltaPage {
    const groups = new Map<string, { items: Json[]; ids: [string, string][] }>();
    const group = (key: string) => groups.get(key) ?? groups.set(key, { items: [], ids: [] }).get(key)!;
    const current = new Map<string, string>();
    const present = (id: string) => presentId(id, render.immutableIds ?? true);
    const withType = (j: Json): Json => ({ '@odata.type': '#microsoft.graph.event', ...j });

    for (const entry of viewEntries(mailbox, state.fromMs, state.toMs)) {
      const key = entry.type === 'singleInstance' ? entry.id : entry.master.id;
      const version = versionOf(entry);
      current.set(entry.id, version);
      if (entry.type !== 'singleInstance' && !current.has(entry.master.id)) {
        // The master travels with its occurrences, and a series is never split across pages.
        const masterEntry: CalendarEntry = {
          ...entry,
          id: entry.master.id,
          type: 'seriesMaster',
          startMs: 0,
          endMs: 0,
        };
        delete masterEntry.originalDate;
        delete masterEntry.exception;
        const masterVersion = `${entry.master.changeKey}`;
        current.set(entry.master.id, masterVersion);
        if (state.seen.get(entry.master.id) !== masterVersion) {
          group(key).items.unshift(withType(renderEntry(mailbox, masterEntry, render)));
        }
      }
      if (state.seen.get(entry.id) === version) continue;
      const rendered =
        entry.type === 'occurrence'
          ? renderMinimalOccurrence(entry, render)
          : withType(renderEntry(mailbox, entry, render));
      group(key).items.push(rendered);
    }
    const removed = (id: string): Json => ({
      '@odata.type': '#microsoft.graph.event',
      id: present(id),
      '@removed': { reason: 'deleted' },
    });
    for (const id of state.seen.keys()) if (!current.has(id)) group(`removed:${id}`).items.push(removed(id));
    if (!initial && this.opts.outOfWindowRemovals()) {
      const changedElsewhere = new Set(mailbox.changes.filter((c) => c.generation > state.generation).map((c) => c.id));
      for (const id of changedElsewhere) {
        if (!current.has(id) && !state.seen.has(id) && !seriesInWindow(mailbox, id, state)) {
          group(`removed:${id}`).items.push(removed(id));
        }
      }
    }
    const size = Math.max(1, pageSize ?? this.opts.defaultPageSize());
    const pages: Json[][] = [[]];
    for (const { items } of groups.values()) {
      if (items.length === 0) continue;
      const last = pages[pages.length - 1]!;
      if (last.length > 0 && last.length + items.length > size) pages.push([...items]);
      else last.push(...items);
    }
    const next: SyncState = {
      ...state,
      seen: current,
      generation: mailbox.generation,
      issuedAt: this.opts.now(),
      epoch: this.opts.epoch(),
    };
    return this.emit({ pages, next, issuedAt: this.opts.now(), epoch: this.opts.epoch() });
  }

  private emit(state: PageState): DeltaPage {
    const [page = [], ...rest] = state.pages;
    if (rest.length > 0) {
      const token = newOpaqueToken();
      this.pageStates.set(token, { ...state, pages: rest });
      return { value: page, nextToken: token };
    }
    const token = newOpaqueToken();
    this.syncStates.set(token, state.next);
    return { value: page, deltaToken: token };
  }
}

function seriesInWindow(mailbox: Mailbox, id: string, state: SyncState): boolean {
  const event = mailbox.events.get(id);
  return !!event?.recurrence && seriesEntries(event, state.fromMs, state.toMs).length > 0;
}

function syncStateNotFound(generation: number): GraphHttpError {
  return new GraphHttpError(
    410,
    'SyncStateNotFound',
    `The sync state generation is not found; generation=${generation};`
  );
}

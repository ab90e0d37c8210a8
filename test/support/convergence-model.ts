import fc from 'fast-check';
import { DateTime } from 'luxon';
import { overwrittenMidRound } from './convergence-races';
import type { RestartableServers } from './restartable-servers';
import type { SyncStack } from './sync-stack';
import { statusQuery } from '../../src/workflows/user-sync/messages';

/**
 * The model behind the convergence suite (test/convergence): what people do on the three systems,
 * as data that fast-check generates and shrinks, an executor that does it through the emulators'
 * user-side APIs while faults are injected, and the checks that must hold once sync is quiet.
 *
 * Items are recognised on every side by a unique tag at the start of the title (`cv<run>i<k> …`)
 * and, where Autotask shows a private item as "Appointment", by its start instant (unique per item).
 */

export type SideName = 'outlook' | 'netsuite' | 'autotask';
export const SIDES: readonly SideName[] = ['outlook', 'netsuite', 'autotask'];

export type FaultKind =
  | 'graph-429'
  | 'graph-503'
  | 'netsuite-429'
  | 'netsuite-503'
  | 'autotask-429'
  | 'autotask-503'
  | 'latency'
  | 'worker-restart'
  /** Only with servers of the suite's own (restartable-servers.ts): history and rows survive. */
  | 'temporal-restart'
  | 'postgres-restart'
  /** Only with webhooks (users subscribed): the next Graph change notifications. */
  | 'notifications-dropped'
  | 'notifications-duplicated'
  | 'notifications-reordered';

const RESTART_FAULTS: readonly FaultKind[] = ['temporal-restart', 'postgres-restart'];
const WEBHOOK_FAULTS: readonly FaultKind[] = [
  'notifications-dropped',
  'notifications-duplicated',
  'notifications-reordered',
];
/** How long a restarted server stays down: long enough for polls and queries to fail meanwhile. */
const SERVER_DOWN_MS = 1000;

export type Command =
  | { type: 'create'; side: SideName }
  | { type: 'invite' }
  | { type: 'edit-title'; side: SideName; target: number }
  | { type: 'edit-time'; side: SideName; target: number; minutes: number }
  | { type: 'delete'; side: SideName; target: number }
  | { type: 'private'; target: number }
  | { type: 'rsvp'; target: number; response: 'accepted' | 'tentativelyAccepted' | 'declined' }
  | { type: 'concurrent'; sides: [SideName, SideName]; target: number }
  | { type: 'series' }
  | { type: 'edit-occurrence'; target: number; index: number }
  | { type: 'cancel-occurrence'; target: number; index: number }
  | { type: 'settle' }
  | { type: 'fault'; kind: FaultKind };

export interface ModelOptions {
  /** Series actions (make a series, edit/cancel an occurrence): off until series sync works. */
  series: boolean;
  maxCommands: number;
  /** Temporal and PostgreSQL restarts among the generated faults. */
  restarts?: boolean;
  /** Dropped, duplicated and reordered Graph notifications among them (users subscribed). */
  webhooks?: boolean;
  /** Faults that every sequence has once each, at a generated place after its first creates. */
  inEverySequence?: FaultKind[];
}

const side = fc.constantFrom<SideName>(...SIDES);
const target = fc.nat({ max: 20 });

export function commandsArbitrary(options: ModelOptions): fc.Arbitrary<Command[]> {
  const faultKinds: FaultKind[] = [
    'graph-429',
    'graph-503',
    'netsuite-429',
    'netsuite-503',
    'autotask-429',
    'autotask-503',
    'latency',
    'worker-restart',
    // Appended only when asked: without them a seed generates what it generated before they existed.
    ...(options.restarts ? RESTART_FAULTS : []),
    ...(options.webhooks ? WEBHOOK_FAULTS : []),
  ];
  const weighted: { weight: number; arbitrary: fc.Arbitrary<Command> }[] = [
    { weight: 5, arbitrary: side.map((s) => ({ type: 'create' as const, side: s })) },
    { weight: 1, arbitrary: fc.constant({ type: 'invite' as const }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('edit-title' as const), side, target }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('edit-time' as const),
        side,
        target,
        minutes: fc.constantFrom(15, 20, 45, 60, 90),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('delete' as const), side, target }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('private' as const), target }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('rsvp' as const),
        target,
        response: fc.constantFrom('accepted' as const, 'tentativelyAccepted' as const, 'declined' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('concurrent' as const),
        sides: fc.constantFrom<[SideName, SideName]>(
          ['outlook', 'netsuite'],
          ['outlook', 'autotask'],
          ['netsuite', 'autotask']
        ),
        target,
      }),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'settle' as const }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<FaultKind>(...faultKinds).map((kind) => ({ type: 'fault' as const, kind })),
    },
  ];
  if (options.series) {
    weighted.push(
      { weight: 1, arbitrary: fc.constant({ type: 'series' as const }) },
      {
        weight: 1,
        arbitrary: fc.record({ type: fc.constant('edit-occurrence' as const), target, index: fc.nat({ max: 2 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ type: fc.constant('cancel-occurrence' as const), target, index: fc.nat({ max: 2 }) }),
      }
    );
  }
  // Every sequence first makes a few items of its own (sequences never touch each other's items).
  const creates = fc.array(
    side.map((s) => ({ type: 'create' as const, side: s })),
    { minLength: 1, maxLength: 3 }
  );
  const rest = fc.array(fc.oneof(...weighted), { minLength: 1, maxLength: options.maxCommands });
  const forced = options.inEverySequence ?? [];
  if (forced.length === 0) return fc.tuple(creates, rest).map(([first, more]) => [...first, ...more]);
  // Each forced fault goes in at a generated place; shrinking moves it towards the front.
  return fc
    .tuple(creates, rest, fc.array(fc.nat(), { minLength: forced.length, maxLength: forced.length }))
    .map(([first, more, places]) => {
      const sequence = [...more];
      forced.forEach((kind, i) =>
        sequence.splice(places[i]! % (sequence.length + 1), 0, { type: 'fault' as const, kind })
      );
      return [...first, ...sequence];
    });
}

/** One record as each side shows it, reduced to the mapped fields the suite compares. */
export interface Seen {
  id: string;
  title: string;
  start: number;
  end: number;
  private: boolean;
}

/**
 * Autotask shows a private item as "Appointment" — unless the item lives in Autotask: Autotask is
 * its master (DESIGN.md §2), so an Outlook privacy flag does not rewrite the Autotask record.
 */
const redactedInAutotask = (item: ModelItem): boolean => item.private && item.origin !== 'autotask';

interface ModelItem {
  tag: string;
  origin: SideName | 'invite';
  title: string;
  /** After concurrent edits: the titles one of which must win (the other lost, so it is audited). */
  candidates?: string[];
  start: number;
  end: number;
  /** The same for the end, when a time edit raced an Autotask one. */
  endCandidates?: number[];
  /**
   * What a person set in Autotask since the sides last agreed. Autotask is the item's master
   * (DESIGN.md §2, §4.3): an edit of the same field made elsewhere before a sync round saw the
   * Autotask one is a conflict that Autotask wins; made after it, the edit wins. Both may happen.
   */
  unsettledInAutotask?: { title?: string; end?: number };
  /** Two people changed the title before any sync could see either: a conflict must be audited. */
  conflicted?: boolean;
  /** A person's latest edit did not win (seen once the sides agreed): a conflict must be audited. */
  editLost?: boolean;
  private: boolean;
  deleted: boolean;
  /** Deleted by a person (on this side), or declined. */
  deletedBy?: SideName | 'decline';
  /**
   * The latest title and end edits, with when and where they were made. The planner orders edits
   * of one field on two sides by their modification stamps in whole seconds (NetSuite stamps to
   * the second, src/domain/conflict.ts): two made within a second of each other may win either way.
   */
  lastTitleEdit?: { at: number; side: SideName; title: string };
  lastEndEdit?: { at: number; side: SideName; end: number };
  /**
   * The last edit of any field, by side. The engine compares whole records' modification stamps,
   * so a title or end edit within a second of another side's edit of another field (marking it
   * private) may lose to that side's value too.
   */
  lastEdit?: { at: number; side: SideName };
  /** Sides a person edited since the sides last agreed, and the titles the item had meanwhile. */
  editedSince?: { sides: Set<SideName>; titles: Set<string>; ends: Set<number> };
  /**
   * Deleted while an edit made on another side may not have been seen by any sync round yet: the
   * planner's "deleted here, modified there: the modification wins" (DESIGN.md §4, plan.ts rule 2)
   * may bring it back on every side. Either outcome is correct; a half-deleted item is not.
   */
  revivable?: boolean;
  ids: Partial<Record<SideName, string>>;
  series?: { dates: string[]; cancelled: Set<number>; edited: Map<number, string> };
}

const NS_ZONE = 'America/New_York';

/**
 * The end NetSuite holds for an event (one date per event): an end on a later New York day is
 * written as 23:59 of the first day (the connector's multi-day rule). A person's own NetSuite
 * edit may still end after midnight (an end time before the start time means the next day).
 */
/** The previous edit, when it was made on another side less than a second before `at`. */
function withinASecond<T extends { at: number; side: SideName }>(previous: T | undefined, side: SideName, at: number) {
  return previous !== undefined && previous.side !== side && at - previous.at < 1000 ? previous : undefined;
}

function netSuiteEnd(start: number, end: number): number {
  const a = DateTime.fromMillis(start, { zone: NS_ZONE });
  const b = DateTime.fromMillis(end, { zone: NS_ZONE });
  return a.toISODate() === b.toISODate() ? end : a.set({ hour: 23, minute: 59, second: 0, millisecond: 0 }).toMillis();
}
const SLOT_MS = 30 * 60_000;
/** A day far enough ahead to be inside the sync window, the same for the whole process. */
const BASE = DateTime.utc().plus({ days: 3 }).startOf('day').toMillis();
let globalSlot = 0;
let runCounter = 0;

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export class ConvergenceRun {
  readonly run: number;
  readonly items: ModelItem[] = [];
  readonly log: string[] = [];
  private words = 0;
  /** When a person edited each record (`side:id`), to tell a write that raced the edit. */
  private readonly editTimes = new Map<string, number[]>();
  private workerEntry: Awaited<ReturnType<SyncStack['startWorker']>> | undefined;

  constructor(
    private readonly stack: SyncStack,
    worker: Awaited<ReturnType<SyncStack['startWorker']>>,
    private readonly options: {
      settleTimeoutMs: number;
      findTimeoutMs: number;
      /** The suite's own Temporal and PostgreSQL, for the restart faults. */
      servers?: Pick<RestartableServers, 'restartTemporal' | 'restartPostgres'>;
    }
  ) {
    this.run = ++runCounter;
    this.workerEntry = worker;
  }

  get worker() {
    return this.workerEntry!;
  }

  private get mailbox() {
    return this.stack.sandbox.info.mailbox;
  }
  private get employee() {
    return this.stack.sandbox.info.netsuite.employeeId;
  }
  private get resource() {
    return this.stack.sandbox.info.autotask.resourceId;
  }

  private newTitle(tag: string): string {
    this.words += 1;
    return `${tag} v${this.words}`;
  }

  /** Notes a person's edit of `item` on `side` (before the edit changes the model's title). */
  private edited(item: ModelItem, side: SideName, ...titles: string[]): void {
    const since = item.editedSince ?? {
      sides: new Set<SideName>(),
      titles: new Set<string>([item.title]),
      ends: new Set<number>([item.end]),
    };
    since.sides.add(side);
    for (const t of titles) since.titles.add(t);
    item.editedSince = since;
    item.lastEdit = { at: Date.now(), side };
  }

  private live(targetIndex: number, predicate: (i: ModelItem) => boolean = () => true): ModelItem | undefined {
    const live = this.items.filter((i) => !i.deleted && predicate(i));
    return live.length ? live[targetIndex % live.length] : undefined;
  }

  // ---- what each side shows --------------------------------------------------------------

  view(s: SideName): Seen[] {
    const sb = this.stack.sandbox;
    if (s === 'outlook') {
      return sb.graph.userSide
        .listEvents(this.mailbox)
        .filter((e) => !e.isCancelled)
        .map((e) => ({
          id: e.id,
          title: e.subject,
          start: DateTime.fromISO(e.start.dateTime, { zone: e.start.timeZone || 'UTC' }).toMillis(),
          end: DateTime.fromISO(e.end.dateTime, { zone: e.end.timeZone || 'UTC' }).toMillis(),
          private: e.sensitivity !== 'normal',
        }));
    }
    if (s === 'netsuite') {
      return sb.netsuite.listEvents().map((e) => {
        const zone = e.timezone || NS_ZONE;
        const start = DateTime.fromISO(`${e.startDate}T${e.startTime}`, { zone });
        const end = DateTime.fromISO(`${e.startDate}T${e.endTime}`, { zone });
        return {
          id: e.id,
          title: e.title,
          start: start.toMillis(),
          // One date per record: an end before the start is the next day (as the connector reads it).
          end: (end < start ? end.plus({ days: 1 }) : end).toMillis(),
          private: e.accessLevel !== 'PUBLIC',
        };
      });
    }
    return (sb.autotask.userSide.list('Appointments') as Record<string, unknown>[])
      .filter((a) => Number(a.resourceID) === this.resource)
      .map((a) => ({
        id: String(a.id),
        title: String(a.title),
        start: Date.parse(String(a.startDateTime)),
        end: Date.parse(String(a.endDateTime)),
        private: a.title === 'Appointment',
      }));
  }

  /** The records of one side that belong to a model item (more than one is a duplicate). */
  matches(item: ModelItem, s: SideName, view = this.view(s)): Seen[] {
    return view.filter(
      (r) =>
        r.title.startsWith(`${item.tag} `) || (s === 'autotask' && r.title === 'Appointment' && r.start === item.start)
    );
  }

  private async find(item: ModelItem, s: SideName): Promise<string | undefined> {
    const known = item.ids[s];
    if (known && this.view(s).some((r) => r.id === known)) return known;
    const deadline = Date.now() + this.options.findTimeoutMs;
    while (Date.now() < deadline) {
      const [found] = this.matches(item, s);
      if (found) {
        item.ids[s] = found.id;
        return found.id;
      }
      await sleep(200);
    }
    this.log.push(`  (${item.tag} never reached ${s} within ${this.options.findTimeoutMs} ms)`);
    return undefined;
  }

  // ---- doing it ----------------------------------------------------------------------------

  private nextSlot(): { start: number; end: number } {
    const start = BASE + globalSlot++ * SLOT_MS;
    return { start, end: start + 25 * 60_000 };
  }

  private createOn(s: SideName, item: ModelItem): void {
    const sb = this.stack.sandbox;
    if (s === 'outlook') {
      const e = sb.graph.userSide.createEvent(this.mailbox, {
        subject: item.title,
        body: `made in Outlook for ${item.tag}`,
        start: iso(item.start),
        end: iso(item.end),
        timeZone: 'UTC',
      });
      item.ids.outlook = e.id;
    } else if (s === 'netsuite') {
      const start = DateTime.fromMillis(item.start, { zone: NS_ZONE });
      const end = DateTime.fromMillis(item.end, { zone: NS_ZONE });
      const e = sb.netsuite.userSide.createEvent(this.employee, {
        title: item.title,
        message: `made in NetSuite for ${item.tag}`,
        date: start.toISODate()!,
        startTime: start.toFormat('HH:mm'),
        endTime: end.toFormat('HH:mm'),
        timezone: NS_ZONE,
      });
      item.ids.netsuite = e.id;
    } else {
      const a = sb.autotask.userSide.createAppointment({
        resourceID: this.resource,
        title: item.title,
        description: `made in Autotask for ${item.tag}`,
        startDateTime: new Date(item.start).toISOString(),
        endDateTime: new Date(item.end).toISOString(),
      });
      item.ids.autotask = String(a.id);
    }
  }

  private noteEdit(s: SideName, id: string): void {
    const key = `${s}:${id}`;
    this.editTimes.set(key, [...(this.editTimes.get(key) ?? []), Date.now()]);
  }

  private setTitle(s: SideName, id: string, title: string): void {
    this.noteEdit(s, id);
    const sb = this.stack.sandbox;
    if (s === 'outlook') sb.graph.userSide.updateEvent(this.mailbox, id, { subject: title });
    else if (s === 'netsuite') sb.netsuite.userSide.editEvent(this.employee, id, { title });
    else sb.autotask.userSide.updateAppointment(Number(id), { title });
  }

  private setTimes(s: SideName, id: string, start: number, end: number): void {
    this.noteEdit(s, id);
    const sb = this.stack.sandbox;
    if (s === 'outlook')
      sb.graph.userSide.updateEvent(this.mailbox, id, { start: iso(start), end: iso(end), timeZone: 'UTC' });
    else if (s === 'netsuite') {
      const a = DateTime.fromMillis(start, { zone: NS_ZONE });
      const b = DateTime.fromMillis(end, { zone: NS_ZONE });
      sb.netsuite.userSide.editEvent(this.employee, id, {
        date: a.toISODate()!,
        startTime: a.toFormat('HH:mm'),
        endTime: b.toFormat('HH:mm'),
        timezone: NS_ZONE,
      });
    } else {
      sb.autotask.userSide.updateAppointment(Number(id), {
        startDateTime: new Date(start).toISOString(),
        endDateTime: new Date(end).toISOString(),
      });
    }
  }

  private remove(s: SideName, id: string): void {
    const sb = this.stack.sandbox;
    if (s === 'outlook') sb.graph.userSide.deleteEvent(this.mailbox, id);
    else if (s === 'netsuite') sb.netsuite.userSide.deleteEvent(this.employee, id);
    else sb.autotask.userSide.deleteAppointment(Number(id));
  }

  async execute(cmd: Command): Promise<void> {
    const sb = this.stack.sandbox;
    switch (cmd.type) {
      case 'create': {
        const tag = `cv${this.run}i${this.items.length}`;
        const item: ModelItem = {
          tag,
          origin: cmd.side,
          title: '',
          ...this.nextSlot(),
          private: false,
          deleted: false,
          ids: {},
        };
        item.title = this.newTitle(tag);
        this.createOn(cmd.side, item);
        this.items.push(item);
        this.log.push(`create on ${cmd.side}: ${tag}`);
        return;
      }
      case 'invite': {
        const tag = `cv${this.run}i${this.items.length}`;
        const item: ModelItem = {
          tag,
          origin: 'invite',
          title: '',
          ...this.nextSlot(),
          private: false,
          deleted: false,
          ids: {},
        };
        item.title = this.newTitle(tag);
        const e = sb.graph.userSide.receiveInvitation(
          this.mailbox,
          { name: 'Outside Organiser', address: 'organiser@fabrikam.example' },
          {
            subject: item.title,
            start: iso(item.start),
            end: iso(item.end),
            timeZone: 'UTC',
            attendees: [this.mailbox],
          }
        );
        item.ids.outlook = e.id;
        this.items.push(item);
        this.log.push(`invitation in Outlook: ${tag}`);
        return;
      }
      case 'edit-title': {
        // A meeting organised elsewhere is not the user's to retitle; a private item shows as
        // "Appointment" in Autotask, so retitling it there is not a title edit of the item.
        const item = this.live(cmd.target, (i) => i.origin !== 'invite' && !i.series);
        if (!item) return;
        const s = cmd.side === 'autotask' && redactedInAutotask(item) ? 'outlook' : cmd.side;
        const id = await this.find(item, s);
        if (!id) return;
        const title = this.newTitle(item.tag);
        const [prior, otherEdit] = [item.title, item.lastEdit];
        this.edited(item, s, title);
        item.title = title;
        const racing = s === 'autotask' ? undefined : item.unsettledInAutotask?.title;
        const at = Date.now();
        const sameSecond = withinASecond(item.lastTitleEdit, s, at);
        const nearOther = withinASecond(otherEdit, s, at);
        // Within a second of the previous edit, whatever that one raced still may win too; so may
        // the title a side edited (in any field) within that second holds.
        const previous = sameSecond
          ? (item.candidates ?? [sameSecond.title])
          : nearOther
            ? (item.candidates ?? [prior])
            : [];
        const rivals = [racing, ...previous].filter((t): t is string => t !== undefined && t !== item.title);
        item.candidates = rivals.length ? [...new Set([...rivals, item.title])] : undefined;
        if (s === 'autotask') item.unsettledInAutotask = { ...item.unsettledInAutotask, title: item.title };
        item.lastTitleEdit = { at, side: s, title: item.title };
        this.setTitle(s, id, item.title);
        this.log.push(`edit title on ${s}: ${item.tag} -> ${item.title}`);
        return;
      }
      case 'edit-time': {
        const item = this.live(cmd.target, (i) => i.origin !== 'invite' && !i.series);
        if (!item) return;
        const id = await this.find(item, cmd.side);
        if (!id) return;
        const [prior, otherEdit] = [item.end, item.lastEdit];
        this.edited(item, cmd.side);
        item.end = item.start + cmd.minutes * 60_000;
        item.editedSince?.ends.add(item.end);
        const racing = cmd.side === 'autotask' ? undefined : item.unsettledInAutotask?.end;
        const at = Date.now();
        const sameSecond = withinASecond(item.lastEndEdit, cmd.side, at);
        const nearOther = withinASecond(otherEdit, cmd.side, at);
        const previous = sameSecond
          ? (item.endCandidates ?? [sameSecond.end])
          : nearOther
            ? (item.endCandidates ?? [prior])
            : [];
        const rivals = [racing, ...previous].filter((e): e is number => e !== undefined && e !== item.end);
        item.endCandidates = rivals.length ? [...new Set([...rivals, item.end])] : undefined;
        if (cmd.side === 'autotask') item.unsettledInAutotask = { ...item.unsettledInAutotask, end: item.end };
        item.lastEndEdit = { at, side: cmd.side, end: item.end };
        this.setTimes(cmd.side, id, item.start, item.end);
        this.log.push(`edit time on ${cmd.side}: ${item.tag} ends ${cmd.minutes} min after start`);
        return;
      }
      case 'delete': {
        const item = this.live(cmd.target, (i) => !i.series);
        if (!item) return;
        // Invitations are declined, not deleted, by their attendee (rsvp); delete them in Outlook.
        const s = item.origin === 'invite' ? 'outlook' : cmd.side;
        const id = await this.find(item, s);
        if (!id) return;
        this.remove(s, id);
        item.deleted = true;
        item.deletedBy = s;
        item.revivable = [...(item.editedSince?.sides ?? [])].some((edited) => edited !== s);
        this.log.push(`delete on ${s}: ${item.tag}`);
        return;
      }
      case 'private': {
        const item = this.live(cmd.target, (i) => i.origin !== 'invite' && !i.series && !i.private);
        if (!item) return;
        const id = await this.find(item, 'outlook');
        if (!id) return;
        sb.graph.userSide.updateEvent(this.mailbox, id, { sensitivity: 'private' });
        this.edited(item, 'outlook');
        item.private = true;
        this.log.push(`mark private in Outlook: ${item.tag}`);
        return;
      }
      case 'rsvp': {
        const item = this.live(cmd.target, (i) => i.origin === 'invite');
        if (!item) return;
        const id = await this.find(item, 'outlook');
        if (!id) return;
        sb.graph.userSide.respond(this.mailbox, id, cmd.response, { sendResponse: false });
        if (cmd.response === 'declined') {
          // Declined is not busy (DESIGN.md §4.12): it leaves the other calendars.
          item.deleted = true;
          item.deletedBy = 'decline';
        }
        this.log.push(`rsvp ${cmd.response}: ${item.tag}`);
        return;
      }
      case 'concurrent': {
        const item = this.live(cmd.target, (i) => i.origin !== 'invite' && !i.series && !i.private);
        if (!item) return;
        const [a, b] = cmd.sides;
        const idA = await this.find(item, a);
        const idB = await this.find(item, b);
        if (!idA || !idB) return;
        const titleA = this.newTitle(item.tag);
        const titleB = this.newTitle(item.tag);
        this.edited(item, a, titleA);
        this.edited(item, b, titleB);
        this.setTitle(a, idA, titleA);
        this.setTitle(b, idB, titleB);
        item.lastTitleEdit = { at: Date.now(), side: b, title: titleB };
        item.title = titleB;
        const racing = a === 'autotask' || b === 'autotask' ? undefined : item.unsettledInAutotask?.title;
        item.candidates = [titleA, titleB, ...(racing === undefined ? [] : [racing])];
        item.conflicted = true;
        if (a === 'autotask' || b === 'autotask')
          item.unsettledInAutotask = { ...item.unsettledInAutotask, title: a === 'autotask' ? titleA : titleB };
        this.log.push(`concurrent titles: ${a} ${titleA} / ${b} ${titleB}`);
        return;
      }
      case 'series': {
        const tag = `cv${this.run}i${this.items.length}`;
        const slot = this.nextSlot();
        const first = DateTime.fromMillis(slot.start, { zone: 'UTC' });
        const item: ModelItem = {
          tag,
          origin: 'outlook',
          title: '',
          ...slot,
          private: false,
          deleted: false,
          ids: {},
          series: {
            dates: [0, 7, 14].map((d) => first.plus({ days: d }).toISODate()!),
            cancelled: new Set(),
            edited: new Map(),
          },
        };
        item.title = this.newTitle(tag);
        const e = sb.graph.userSide.createEvent(this.mailbox, {
          subject: item.title,
          start: iso(item.start),
          end: iso(item.end),
          timeZone: 'UTC',
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: [first.toFormat('cccc').toLowerCase()] },
            range: { type: 'numbered', startDate: item.series!.dates[0], numberOfOccurrences: 3 },
          },
        } as never);
        item.ids.outlook = e.id;
        this.items.push(item);
        this.log.push(`series in Outlook: ${tag}`);
        return;
      }
      case 'edit-occurrence':
      case 'cancel-occurrence': {
        const item = this.live(cmd.target, (i) => !!i.series);
        if (!item?.series || !item.ids.outlook) return;
        const date = item.series.dates[cmd.index]!;
        if (item.series.cancelled.has(cmd.index)) return;
        if (cmd.type === 'cancel-occurrence') {
          sb.graph.userSide.cancelOccurrence(this.mailbox, item.ids.outlook, date);
          item.series.cancelled.add(cmd.index);
        } else {
          const title = this.newTitle(item.tag);
          sb.graph.userSide.editOccurrence(this.mailbox, item.ids.outlook, date, { subject: title });
          item.series.edited.set(cmd.index, title);
        }
        this.log.push(`${cmd.type} ${item.tag} ${date}`);
        return;
      }
      case 'settle':
        await this.quiescence();
        return;
      case 'fault':
        await this.fault(cmd.kind);
        return;
    }
  }

  private async fault(kind: FaultKind): Promise<void> {
    const sb = this.stack.sandbox;
    this.log.push(`fault ${kind}`);
    switch (kind) {
      case 'graph-429':
        return sb.graph.faults.throttleNext(2, { retryAfterSeconds: 1 });
      case 'graph-503':
        return sb.graph.faults.unavailableNext(2);
      case 'netsuite-429':
        return sb.netsuite.faults.inject({
          status: 429,
          code: 'CONCURRENCY_LIMIT_EXCEEDED',
          retryAfterSeconds: 1,
          times: 2,
        });
      case 'netsuite-503':
        return sb.netsuite.faults.inject({ status: 503, code: 'SERVICE_UNAVAILABLE', times: 2 });
      case 'autotask-429':
        return sb.autotask.faults.rateLimit(2, 1);
      case 'autotask-503':
        return sb.autotask.faults.serverError(2);
      case 'latency':
        sb.graph.faults.set({ latencyMs: 150 });
        sb.autotask.faults.setLatency(150);
        sb.netsuite.faults.inject({ path: '/', delayMs: 150, times: 20 });
        return;
      case 'worker-restart': {
        await this.stack.stopWorker(this.worker);
        await sleep(300);
        this.workerEntry = await startWatchedWorker(this.stack);
        return;
      }
      case 'temporal-restart':
        await this.servers(kind).restartTemporal(SERVER_DOWN_MS);
        await this.keepWorkerRunning();
        return;
      case 'postgres-restart':
        await this.servers(kind).restartPostgres(SERVER_DOWN_MS);
        return;
      // The fallback poll of a subscribed user (3 s here) finds what a lost notification did not say.
      case 'notifications-dropped':
        return sb.graph.faults.dropNextNotifications(2);
      case 'notifications-duplicated':
        return sb.graph.faults.duplicateNextNotifications(2);
      case 'notifications-reordered':
        sb.graph.faults.set({ notificationReorder: true, notificationReorderWindowMs: 300 });
        return;
    }
  }

  private servers(kind: FaultKind) {
    if (!this.options.servers) throw new Error(`fault ${kind} needs the suite's own servers (profile.restartFaults)`);
    return this.options.servers;
  }

  /**
   * The worker rides out a short Temporal outage (its polls are retried); should it have stopped
   * anyway, a new one takes over, as the supervisor's restart would in production. Logged, so that
   * a counter-example shows it.
   */
  private async keepWorkerRunning(): Promise<void> {
    const state = this.worker.worker.getState();
    if (state === 'RUNNING') return;
    const failure = await this.worker.running.then(
      () => 'no error',
      (err: unknown) => (err instanceof Error ? err.message : String(err))
    );
    const note = `worker was ${state} (${failure.split('\n')[0]}): started a new one`;
    this.log.push(`  (${note})`);
    process.stderr.write(`[convergence] run ${this.run}: ${note}\n`);
    await this.stack.discardStoppedWorker(this.worker);
    this.workerEntry = await startWatchedWorker(this.stack);
  }

  clearFaults(): void {
    const sb = this.stack.sandbox;
    sb.graph.faults.reset();
    sb.autotask.faults.clear();
    sb.netsuite.faults.clear();
  }

  // ---- what must hold --------------------------------------------------------------------

  /** A revivable item that is back on every side (see `revivable`). */
  private revived(item: ModelItem, found?: Record<SideName, Seen[]>): boolean {
    if (!item.deleted || !item.revivable) return false;
    return SIDES.every((s) => (found ? found[s] : this.matches(item, s)).length > 0);
  }

  /** Problems with the current state of the three sides, empty once they agree with the model. */
  problems(): string[] {
    const out: string[] = [];
    const views = Object.fromEntries(SIDES.map((s) => [s, this.view(s)])) as Record<SideName, Seen[]>;
    for (const item of this.items) {
      if (item.series) {
        out.push(...this.seriesProblems(item, views));
        continue;
      }
      const found = Object.fromEntries(SIDES.map((s) => [s, this.matches(item, s, views[s])])) as Record<
        SideName,
        Seen[]
      >;
      const revived = this.revived(item, found);
      const gone = item.deleted && !revived;
      for (const s of SIDES) {
        const records = found[s];
        if (gone) {
          if (records.length)
            out.push(`${item.tag}: deleted (by ${item.deletedBy}) but still in ${s} (${records.length})`);
          continue;
        }
        if (records.length === 0) {
          out.push(`${item.tag}: missing in ${s} (nobody deleted it)`);
          continue;
        }
        if (records.length > 1) out.push(`${item.tag}: ${records.length} copies in ${s}`);
        const r = records[0]!;
        const titles = revived ? [...(item.editedSince?.titles ?? [])] : (item.candidates ?? [item.title]);
        const redacted = s === 'autotask' && redactedInAutotask(item);
        const expected = revived && s === 'autotask' ? [...titles, 'Appointment'] : redacted ? ['Appointment'] : titles;
        if (!expected.includes(r.title))
          out.push(
            `${item.tag}: title in ${s} is "${r.title}", expected ${expected.map((t) => `"${t}"`).join(' or ')}`
          );
        const ends = revived ? [...(item.editedSince?.ends ?? [])] : (item.endCandidates ?? [item.end]);
        const held = s === 'netsuite' ? [...ends, ...ends.map((e) => netSuiteEnd(item.start, e))] : ends;
        if (r.start !== item.start || !held.includes(r.end)) {
          out.push(
            `${item.tag}: time in ${s} is ${iso(r.start)}–${iso(r.end)}, expected ${iso(item.start)}–${ends.map(iso).join(' or ')}`
          );
        }
        // A revived item may come back from a side the private mark had not reached: sides must agree.
        if (s !== 'autotask' && !revived && r.private !== item.private)
          out.push(`${item.tag}: private in ${s} is ${r.private}, expected ${item.private}`);
      }
      if (!gone && (item.candidates || revived)) {
        // All sides must agree on one of the concurrent titles.
        const titles = new Set(
          SIDES.filter(
            (s) =>
              !(s === 'autotask' && (redactedInAutotask(item) || (revived && found[s][0]?.title === 'Appointment')))
          ).map((s) => found[s][0]?.title)
        );
        if (titles.size > 1) out.push(`${item.tag}: sides disagree after concurrent edits: ${[...titles].join(' / ')}`);
      }
      if (!gone && (item.endCandidates || revived)) {
        const ends = new Set(SIDES.map((s) => found[s][0]).map((r) => (r ? netSuiteEnd(r.start, r.end) : undefined)));
        if (ends.size > 1) out.push(`${item.tag}: sides disagree on the end after racing edits`);
      }
      if (revived && found.outlook[0]?.private !== found.netsuite[0]?.private)
        out.push(`${item.tag}: restored, but private in Outlook and NetSuite differ`);
    }
    return out;
  }

  private seriesProblems(item: ModelItem, views: Record<SideName, Seen[]>): string[] {
    const out: string[] = [];
    const live = item.series!.dates.filter((_, i) => !item.series!.cancelled.has(i)).length;
    for (const s of ['netsuite', 'autotask'] as const) {
      const n = views[s].filter((r) => r.title.startsWith(`${item.tag} `)).length;
      if (n !== live) out.push(`${item.tag}: ${n} occurrences in ${s}, expected ${live}`);
    }
    for (const [index, title] of item.series!.edited) {
      if (item.series!.cancelled.has(index)) continue;
      for (const s of ['netsuite', 'autotask'] as const) {
        if (!views[s].some((r) => r.title === title)) out.push(`${item.tag}: edited occurrence "${title}" not in ${s}`);
      }
    }
    return out;
  }

  /** Waits until every side agrees with the model, and stays so; fails with the last problems. */
  async quiescence(): Promise<void> {
    const deadline = Date.now() + this.options.settleTimeoutMs;
    let problems: string[] = [];
    while (Date.now() < deadline) {
      problems = this.problems();
      if (problems.length === 0) {
        // Stable: nothing flips back within a few poll rounds.
        await sleep(1500);
        problems = this.problems();
        if (problems.length === 0) return this.settled();
      }
      await sleep(300);
    }
    throw new Error(
      `no convergence within ${this.options.settleTimeoutMs} ms:\n  ${problems.join('\n  ')}\nactions:\n  ${this.log.join('\n  ')}` +
        `\nstate:\n  ${(await this.stateDump()).join('\n  ')}`
    );
  }

  /** The sides agree: the winners of racing edits become the model's values; nothing is unsettled. */
  private settled(): void {
    for (const item of this.items) {
      if (item.deleted && this.revived(item)) {
        this.log.push(`restored after a delete raced an edit: ${item.tag}`);
        item.deleted = false;
        item.deletedBy = undefined;
        const seen = this.matches(item, 'outlook')[0];
        if (seen) {
          item.title = seen.title;
          item.end = seen.end;
          item.private = seen.private;
        }
        item.candidates = undefined;
        item.endCandidates = undefined;
        // The rival edit died with the deleted record, by the person's own hand: nothing to audit.
        item.conflicted = false;
        item.editLost = false;
      }
      item.revivable = undefined;
      item.editedSince = undefined;
      if (item.deleted || item.series) continue;
      const seen = this.matches(item, 'outlook')[0];
      if (item.candidates && seen) {
        if (seen.title !== item.title) item.editLost = true;
        item.title = seen.title;
      }
      if (item.endCandidates && seen) {
        if (seen.end !== item.end) item.editLost = true;
        item.end = seen.end;
      }
      item.candidates = undefined;
      item.endCandidates = undefined;
      item.unsettledInAutotask = undefined;
    }
  }

  /** What a failure needs to be understood without a rerun: the sync's status and the audit's last rows. */
  private async stateDump(): Promise<string[]> {
    const out: string[] = [];
    try {
      const status = await this.stack.client.workflow.getHandle(this.stack.workflowId).query(statusQuery);
      out.push(
        `sync: ${JSON.stringify({ state: status.state, lastError: status.lastError, needsAttention: status.needsAttention, counts: status.counts })}`
      );
    } catch (err) {
      out.push(`sync status unavailable: ${(err as Error).message}`);
    }
    const { rows } = await this.stack.db.pool.query<Record<string, unknown>>(
      'SELECT at, user_id, action, source_side, target_side, link_id, reason, detail FROM audit ORDER BY id DESC LIMIT 15'
    );
    for (const row of rows.reverse()) out.push(`audit: ${JSON.stringify(row).slice(0, 400)}`);
    return out;
  }

  /** Concurrent edits, or an edit that lost: the item's audit must hold a conflict. */
  async auditProblems(): Promise<string[]> {
    const out: string[] = [];
    const pool = this.stack.db.pool;
    for (const item of this.items) {
      if (!(item.conflicted || item.editLost) || item.deleted) continue;
      const outlookId = this.matches(item, 'outlook')[0]?.id;
      if (!outlookId) continue;
      const { rows } = await pool.query<{ item_id: string }>(
        'SELECT item_id FROM item_records WHERE replica LIKE $1 AND record_id = $2',
        ['outlook:%', outlookId]
      );
      const itemId = rows[0]?.item_id;
      if (!itemId) {
        out.push(`${item.tag}: no link for its Outlook record`);
        continue;
      }
      const conflicts = await pool.query('SELECT 1 FROM audit WHERE action = $1 AND link_id = $2', [
        'conflict',
        itemId,
      ]);
      // Both values were written by people; whichever won, the other was overwritten.
      if (conflicts.rowCount === 0 && this.raced(item)) {
        this.log.push(`accepted race: ${item.tag}: a person's edit landed between a sync read and write`);
        continue;
      }
      if (conflicts.rowCount === 0)
        out.push(
          `${item.tag}: ${item.conflicted ? 'concurrent edits on two sides' : 'an edit overwritten by an Autotask one'}, one lost, but no conflict in the audit log (item ${itemId})`
        );
    }
    return out;
  }

  /** A person's edit of one of the item's records landed inside a sync round's read and write of it. */
  private raced(item: ModelItem): boolean {
    return SIDES.some((side) => {
      const ids = new Set([...this.matches(item, side).map((r) => r.id), ...(item.ids[side] ? [item.ids[side]] : [])]);
      return [...ids].some((id) =>
        (this.editTimes.get(`${side}:${id}`) ?? []).some((at) =>
          overwrittenMidRound(this.stack.sandbox, side, id, at, this.mailbox)
        )
      );
    });
  }

  /** Ends the sequence: faults off, a worker running, then everything must converge. */
  async finish(): Promise<void> {
    this.clearFaults();
    await this.keepWorkerRunning();
    await this.quiescence();
    const audit = await this.auditProblems();
    if (audit.length)
      throw new Error(`audit log incomplete:\n  ${audit.join('\n  ')}\nactions:\n  ${this.log.join('\n  ')}`);
  }
}

/**
 * A worker whose failure is not an unhandled rejection: a failed worker is seen by its state and
 * replaced (keepWorkerRunning), and its error comes out when it is stopped or discarded.
 */
export async function startWatchedWorker(stack: SyncStack): Promise<Awaited<ReturnType<SyncStack['startWorker']>>> {
  const entry = await stack.startWorker();
  void entry.running.catch(() => undefined);
  return entry;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeCommand(cmd: Command): string {
  return JSON.stringify(cmd);
}

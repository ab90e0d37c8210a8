import { type CanonicalEventInput, parseCanonicalEvent } from '../../../src/domain/canonical-event';
import {
  type Link,
  type Observation,
  type Observations,
  parseReplicaKey,
  type ReplicaKey,
} from '../../../src/domain/link';
import { isWrite, type Plan, type PlanAction } from '../../../src/domain/plan-action';
import { type SyncPolicy, parseSyncPolicy, type SyncPolicyInput } from '../../../src/domain/policy';
import { project, type Projection, type ProjectionFields } from '../../../src/domain/projection';
import { projectionContext } from '../../../src/domain/replica-state';

/**
 * A tiny in-memory stand-in for the three providers: records are stored as projections, the
 * way a faithful provider mapping reads back what was written. Lets tests apply a plan and
 * plan again, as the workflow does.
 */
export interface WorldRecord {
  projection: Projection;
  modifiedAt: string;
  recordId: string;
}

export class World {
  readonly records = new Map<ReplicaKey, WorldRecord>();
  private clock = Date.parse('2026-01-01T00:00:00Z');
  private ids = 0;

  tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  put(key: ReplicaKey, projection: Projection): void {
    const previous = this.records.get(key);
    this.records.set(key, { projection, modifiedAt: this.tick(), recordId: previous?.recordId ?? `id-${++this.ids}` });
  }

  edit(key: ReplicaKey, fields: ProjectionFields): void {
    const record = this.records.get(key);
    if (!record) throw new Error(`no record ${key}`);
    this.put(key, { ...record.projection, fields: { ...record.projection.fields, ...fields } });
  }

  remove(key: ReplicaKey): void {
    this.records.delete(key);
  }

  /** What a pull sees: every record of the link's replicas, and confirmed deletes for the rest. */
  observe(link: Link | null, extra: readonly ReplicaKey[] = []): Observations {
    const out: Record<ReplicaKey, Observation> = {};
    const keys = new Set([...Object.keys(link?.replicas ?? {}), ...extra, ...this.records.keys()]);
    for (const key of keys) {
      const record = this.records.get(key);
      if (record)
        out[key] = {
          state: 'present',
          projection: record.projection,
          modifiedAt: record.modifiedAt,
          recordId: record.recordId,
        };
      else if (link?.replicas[key]?.base) out[key] = { state: 'deleted' };
    }
    return out;
  }

  /** Executes the writes of a plan, as a provider would. */
  apply(plan: Plan): void {
    for (const action of plan.actions) this.applyOne(action);
  }

  private applyOne(action: PlanAction): void {
    if (!isWrite(action)) return;
    switch (action.type) {
      case 'create':
        this.put(action.replica, action.projection);
        break;
      case 'update-fields': {
        const record = this.records.get(action.replica);
        if (!record) throw new Error(`update of missing ${action.replica}`);
        const responses = { ...(record.projection.fields.responses ?? {}), ...(action.fields.responses ?? {}) };
        this.put(action.replica, {
          ...record.projection,
          fields: { ...record.projection.fields, ...action.fields, ...(action.fields.responses ? { responses } : {}) },
        });
        break;
      }
      case 'rsvp': {
        const record = this.records.get(action.replica);
        if (!record) throw new Error(`rsvp on missing ${action.replica}`);
        const email = Object.keys(record.projection.fields.responses ?? {})[0] ?? '';
        this.put(action.replica, {
          ...record.projection,
          fields: { ...record.projection.fields, responses: { [email]: action.response } },
        });
        break;
      }
      case 'delete':
        this.remove(action.replica);
        break;
    }
  }
}

export function policyOf(input: SyncPolicyInput = {}): SyncPolicy {
  return parseSyncPolicy({
    users: [
      { userId: 'u1', email: 'ann@example.com', timeZone: 'Europe/Berlin', netsuite: true, autotask: true },
      { userId: 'u2', email: 'bob@example.com', timeZone: 'America/New_York', netsuite: true, autotask: true },
    ],
    ...input,
  });
}

export function eventInput(overrides: Partial<CanonicalEventInput> = {}): CanonicalEventInput {
  return {
    kind: 'event',
    title: 'Quarterly review',
    description: 'Numbers',
    location: 'Room 1',
    timing: {
      allDay: false,
      start: '2026-02-10T09:00:00.000Z',
      end: '2026-02-10T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
    },
    organizer: { email: 'ann@example.com' },
    ...overrides,
  };
}

/** The projection a provider mapping would produce for `key` from a canonical event. */
export function projectFor(key: ReplicaKey, input: CanonicalEventInput, policy: SyncPolicy): Projection {
  const { side, userId } = parseReplicaKey(key);
  return project(side, parseCanonicalEvent(input), projectionContext(side, userId, policy));
}

export function writes(plan: Plan): PlanAction[] {
  return plan.actions.filter(isWrite);
}

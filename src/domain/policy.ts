import { z } from 'zod';
import { itemKindSchema, type ItemKind, type Side, sideSchema } from './canonical-event';

/**
 * The organisation's sync policy, as the planner needs it. Validated at the edge (admin API,
 * database); the planner trusts it.
 */

export const directionSchema = z.enum(['both', 'outlook-to-x', 'x-to-outlook', 'off']);
export type Direction = z.infer<typeof directionSchema>;

export const selectionSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('all') }),
  /** Only Outlook events carrying this category (case-insensitive) go to the connector. */
  z.object({ mode: z.literal('category'), category: z.string().min(1) }),
]);
export type Selection = z.infer<typeof selectionSchema>;

export const syncedUserSchema = z.object({
  userId: z.string().min(1),
  email: z.string().min(1),
  /** The user's IANA zone (an all-day event blocks these days in Autotask). */
  timeZone: z.string().min(1),
  netsuite: z.boolean().default(false),
  autotask: z.boolean().default(false),
});
export type SyncedUser = z.infer<typeof syncedUserSchema>;

export const massDeleteGuardSchema = z.object({
  /** Hold the deletes when they exceed this share of the user's items… */
  maxShare: z.number().min(0).max(1).default(0.25),
  /** …or this many items… */
  maxCount: z.number().int().min(0).default(50),
  /** …but never for fewer deletes than this (a user with 3 events may delete 2). */
  minCount: z.number().int().min(0).default(5),
});
export type MassDeleteGuard = z.infer<typeof massDeleteGuardSchema>;

export const conflictModeSchema = z.enum(['system-of-record', 'latest-wins', 'outlook-wins', 'provider-wins']);
export type ConflictMode = z.infer<typeof conflictModeSchema>;

export const syncPolicySchema = z.object({
  directions: z
    .object({ netsuite: directionSchema.default('both'), autotask: directionSchema.default('both') })
    .default({ netsuite: 'both', autotask: 'both' }),
  selection: z
    .object({ netsuite: selectionSchema.default({ mode: 'all' }), autotask: selectionSchema.default({ mode: 'all' }) })
    .default({ netsuite: { mode: 'all' }, autotask: { mode: 'all' } }),
  /** Which side wins a conflict for an item kind (Autotask-owned items, Outlook-owned series). */
  systemOfRecord: z.partialRecord(itemKindSchema, sideSchema).default({
    event: 'autotask',
    todo: 'autotask',
    'service-call': 'autotask',
    series: 'outlook',
    occurrence: 'outlook',
  }),
  /**
   * The admin's conflict policy per connector, for a field changed both in Outlook and there:
   * `system-of-record` (the rules below: system of record, organiser, later edit), `latest-wins`
   * (the later edit alone), `outlook-wins`, `provider-wins`. A one-way direction still comes first.
   */
  conflicts: z
    .object({
      netsuite: conflictModeSchema.default('system-of-record'),
      autotask: conflictModeSchema.default('system-of-record'),
    })
    .default({ netsuite: 'system-of-record', autotask: 'system-of-record' }),
  /** Sides whose edits of an item kind are undone by the next sync (Outlook edits of a service call). */
  readOnly: z.partialRecord(itemKindSchema, z.array(sideSchema)).default({ 'service-call': ['outlook'] }),
  /** Whether sync may put attendees on Outlook events it creates (Graph then sends invitations). */
  inviteFromOutlook: z.boolean().default(false),
  /** Whether NetSuite receives series natively (SOAP/RESTlet) instead of single occurrences. */
  netsuiteNativeRecurrence: z.boolean().default(false),
  /** The NetSuite users' zone, for events sync creates there (NetSuite stores wall-clock times). */
  netsuiteTimeZone: z.string().optional(),
  massDelete: massDeleteGuardSchema.default({ maxShare: 0.25, maxCount: 50, minCount: 5 }),
  users: z.array(syncedUserSchema).default([]),
});
export type SyncPolicy = z.infer<typeof syncPolicySchema>;
export type SyncPolicyInput = z.input<typeof syncPolicySchema>;

export function parseSyncPolicy(input: unknown): SyncPolicy {
  return syncPolicySchema.parse(input);
}

type Connector = Exclude<Side, 'outlook'>;

function outward(direction: Direction): boolean {
  return direction === 'both' || direction === 'outlook-to-x';
}

function inward(direction: Direction): boolean {
  return direction === 'both' || direction === 'x-to-outlook';
}

/**
 * Whether a change may travel from one side to another. Outlook is the hub: NetSuite and
 * Autotask reach each other only through it, so both legs must be allowed. Outlook copies of
 * one meeting are kept in step by Exchange, never by us.
 */
export function mayFlow(from: Side, to: Side, policy: SyncPolicy): boolean {
  if (from === 'outlook' && to === 'outlook') return false;
  if (from === 'outlook') return outward(policy.directions[to as Connector]);
  if (to === 'outlook') return inward(policy.directions[from]);
  return mayFlow(from, 'outlook', policy) && mayFlow('outlook', to, policy);
}

export function connectorEnabled(side: Side, policy: SyncPolicy): boolean {
  return side === 'outlook' || policy.directions[side] !== 'off';
}

/** Whether an Outlook item with these categories is selected for a connector. */
export function isSelected(connector: Connector, categories: readonly string[], policy: SyncPolicy): boolean {
  const selection = policy.selection[connector];
  if (selection.mode === 'all') return true;
  const wanted = selection.category.trim().toLowerCase();
  return categories.some((c) => c.trim().toLowerCase() === wanted);
}

/**
 * The conflict policy between two sides: the connector's when Outlook meets it; between NetSuite
 * and Autotask (or two Outlook copies) the shared one if both connectors agree, else the default.
 */
export function conflictModeBetween(a: Side, b: Side, policy: SyncPolicy): ConflictMode {
  if (a === 'outlook' && b !== 'outlook') return policy.conflicts[b];
  if (b === 'outlook' && a !== 'outlook') return policy.conflicts[a];
  return policy.conflicts.netsuite === policy.conflicts.autotask ? policy.conflicts.netsuite : 'system-of-record';
}

export function systemOfRecord(kind: ItemKind, policy: SyncPolicy): Side | undefined {
  return policy.systemOfRecord[kind];
}

export function isReadOnly(kind: ItemKind, side: Side, policy: SyncPolicy): boolean {
  return policy.readOnly[kind]?.includes(side) ?? false;
}

export function userById(policy: SyncPolicy, userId: string | undefined): SyncedUser | undefined {
  return userId === undefined ? undefined : policy.users.find((u) => u.userId === userId);
}

export function userByEmail(policy: SyncPolicy, email: string): SyncedUser | undefined {
  const wanted = email.trim().toLowerCase();
  return policy.users.find((u) => u.email.trim().toLowerCase() === wanted);
}

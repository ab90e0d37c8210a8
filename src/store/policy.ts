import { z } from 'zod';
import { conflictModeSchema } from '../domain/policy';

/**
 * Organisation policy per connector, stored in `tenants.policy`, and a user's overrides of it,
 * stored in `users.policy`. The engine reads `effectivePolicy(tenant.policy, user.policy)`.
 * No Node built-ins here: workflow code may import it.
 *
 * direction: `both`; `outlook-to-provider` (Outlook → NetSuite/Autotask only);
 * `provider-to-outlook` (NetSuite/Autotask → Outlook only); `off`.
 */
export const directionSchema = z.enum(['both', 'outlook-to-provider', 'provider-to-outlook', 'off']);

/**
 * Who wins when both sides changed the same field: `system-of-record` (Autotask for items it owns,
 * the organiser's side for meetings, else the later change), `latest-wins`, or one side always.
 */
export const conflictPolicySchema = conflictModeSchema;

export const syncWindowSchema = z
  .object({
    pastDays: z.number().int().min(0).max(365),
    futureDays: z.number().int().min(1).max(730),
  })
  .strict();

/** A pull that would delete more than `share` of a user's items (and at least `minItems`) waits for an admin. */
export const massDeleteSchema = z
  .object({
    share: z.number().gt(0).max(1),
    minItems: z.number().int().min(1).max(100_000),
  })
  .strict();

/** Which Outlook events go to Autotask: all, or only those carrying the category. */
export const autotaskSelectionSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('all') }).strict(),
  z.object({ mode: z.literal('category'), category: z.string().min(1).max(255) }).strict(),
]);

/**
 * Outlook events go to Autotask as Appointments unless a To-Do rule applies: events with the
 * rule's category become To-Dos of that company with that action type.
 */
export const todoRuleSchema = z
  .object({
    category: z.string().min(1).max(255),
    companyId: z.number().int().positive(),
    actionTypeId: z.number().int().positive(),
  })
  .strict();

/** Which Autotask items come to Outlook. */
export const autotaskIncludeSchema = z
  .object({
    appointments: z.boolean(),
    todos: z.boolean(),
    serviceCalls: z.boolean(),
  })
  .strict();

const netsuiteDefaults = {
  direction: 'both' as const,
  syncWindow: { pastDays: 30, futureDays: 180 },
  conflict: 'system-of-record' as const,
  massDelete: { share: 0.25, minItems: 20 },
};

const autotaskDefaults = {
  ...netsuiteDefaults,
  selection: { mode: 'all' as const },
  todoRules: [],
  include: { appointments: true, todos: true, serviceCalls: true },
};

export const netsuitePolicySchema = z
  .object({
    direction: directionSchema.default(netsuiteDefaults.direction),
    syncWindow: syncWindowSchema.default(netsuiteDefaults.syncWindow),
    conflict: conflictPolicySchema.default(netsuiteDefaults.conflict),
    massDelete: massDeleteSchema.default(netsuiteDefaults.massDelete),
  })
  .strict();

export const autotaskPolicySchema = z
  .object({
    direction: directionSchema.default(autotaskDefaults.direction),
    selection: autotaskSelectionSchema.default(autotaskDefaults.selection),
    todoRules: z.array(todoRuleSchema).max(50).default(autotaskDefaults.todoRules),
    include: autotaskIncludeSchema.default(autotaskDefaults.include),
    syncWindow: syncWindowSchema.default(autotaskDefaults.syncWindow),
    conflict: conflictPolicySchema.default(autotaskDefaults.conflict),
    massDelete: massDeleteSchema.default(autotaskDefaults.massDelete),
  })
  .strict();

/**
 * Outlook, organisation-wide. `inviteFromOutlook`: events sync creates in Outlook (from NetSuite or
 * Autotask) carry their attendees, so Exchange sends them invitations. Off by default: sync then
 * never makes anyone receive mail (DESIGN.md §4.11) and the attendees are named in the body.
 */
export const outlookPolicySchema = z.object({ inviteFromOutlook: z.boolean().default(false) }).strict();

/** The organisation policy; every field has a default, so `{}` is a complete policy. */
export const tenantPolicySchema = z
  .object({
    outlook: outlookPolicySchema.default({ inviteFromOutlook: false }),
    netsuite: netsuitePolicySchema.default(netsuitePolicySchema.parse({})),
    autotask: autotaskPolicySchema.default(autotaskPolicySchema.parse({})),
  })
  .strict();

export type TenantPolicy = z.output<typeof tenantPolicySchema>;
export type TenantPolicyInput = z.input<typeof tenantPolicySchema>;
export type NetSuitePolicy = TenantPolicy['netsuite'];
export type AutotaskPolicy = TenantPolicy['autotask'];
export type Direction = z.infer<typeof directionSchema>;

/** A user's overrides: any field of the policy; objects merge field by field, lists replace. */
export const userPolicyOverridesSchema = z
  .object({
    netsuite: z
      .object({
        direction: directionSchema.optional(),
        syncWindow: syncWindowSchema.partial().strict().optional(),
        conflict: conflictPolicySchema.optional(),
        massDelete: massDeleteSchema.partial().strict().optional(),
      })
      .strict()
      .optional(),
    autotask: z
      .object({
        direction: directionSchema.optional(),
        selection: autotaskSelectionSchema.optional(),
        todoRules: z.array(todoRuleSchema).max(50).optional(),
        include: autotaskIncludeSchema.partial().strict().optional(),
        syncWindow: syncWindowSchema.partial().strict().optional(),
        conflict: conflictPolicySchema.optional(),
        massDelete: massDeleteSchema.partial().strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type UserPolicyOverrides = z.infer<typeof userPolicyOverridesSchema>;

/**
 * The policy that applies to one user: the tenant's (defaults filled in) with the user's overrides
 * on top. Stored values that no longer parse fall back to the defaults rather than stopping a sync;
 * the API never stores such values.
 */
export function effectivePolicy(tenantPolicy: unknown, userOverrides: unknown): TenantPolicy {
  return withUserOverrides(parseTenantPolicy(tenantPolicy), userOverrides);
}

/** The tenant's stored policy with defaults filled in (the defaults when it no longer parses). */
export function parseTenantPolicy(tenantPolicy: unknown): TenantPolicy {
  const tenant = tenantPolicySchema.safeParse(tenantPolicy ?? {});
  return tenant.success ? tenant.data : tenantPolicySchema.parse({});
}

/**
 * effectivePolicy for a tenant policy parsed once (parseTenantPolicy): reading a tenant's users
 * parsed the same tenant policy again for every one of them.
 */
export function withUserOverrides(base: TenantPolicy, userOverrides: unknown): TenantPolicy {
  if (userOverrides === null || userOverrides === undefined) return base;
  if (typeof userOverrides === 'object' && Object.keys(userOverrides).length === 0) return base;
  const parsed = userPolicyOverridesSchema.safeParse(userOverrides);
  if (!parsed.success) return base;
  const o = parsed.data;
  return {
    outlook: base.outlook,
    netsuite: {
      ...base.netsuite,
      ...defined({ direction: o.netsuite?.direction, conflict: o.netsuite?.conflict }),
      syncWindow: { ...base.netsuite.syncWindow, ...defined(o.netsuite?.syncWindow ?? {}) },
      massDelete: { ...base.netsuite.massDelete, ...defined(o.netsuite?.massDelete ?? {}) },
    },
    autotask: {
      ...base.autotask,
      ...defined({
        direction: o.autotask?.direction,
        conflict: o.autotask?.conflict,
        selection: o.autotask?.selection,
        todoRules: o.autotask?.todoRules,
      }),
      include: { ...base.autotask.include, ...defined(o.autotask?.include ?? {}) },
      syncWindow: { ...base.autotask.syncWindow, ...defined(o.autotask?.syncWindow ?? {}) },
      massDelete: { ...base.autotask.massDelete, ...defined(o.autotask?.massDelete ?? {}) },
    },
  };
}

/** Drops undefined fields, so that spreading them cannot erase a base value. */
function defined<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

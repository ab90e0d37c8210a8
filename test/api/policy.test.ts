import { effectivePolicy, tenantPolicySchema, userPolicyOverridesSchema } from '../../src/store/policy';

describe('organisation policy', () => {
  it('is complete with defaults when nothing is set', () => {
    const policy = effectivePolicy({}, {});
    // Sync invites nobody unless the organisation asks for it (DESIGN.md §4.11).
    expect(policy.outlook).toEqual({ inviteFromOutlook: false });
    expect(effectivePolicy({ outlook: { inviteFromOutlook: true } }, {}).outlook.inviteFromOutlook).toBe(true);
    // A user cannot turn it on for themselves: it is the organisation's decision.
    expect(userPolicyOverridesSchema.safeParse({ outlook: { inviteFromOutlook: true } }).success).toBe(false);
    expect(policy.netsuite).toEqual({
      direction: 'both',
      syncWindow: { pastDays: 30, futureDays: 180 },
      conflict: 'system-of-record',
      massDelete: { share: 0.25, minItems: 20 },
    });
    expect(policy.autotask).toMatchObject({
      direction: 'both',
      selection: { mode: 'all' },
      todoRules: [],
      include: { appointments: true, todos: true, serviceCalls: true },
    });
  });

  it('lets a user override single fields while the rest follows the organisation', () => {
    const tenant = {
      netsuite: { direction: 'outlook-to-provider', syncWindow: { pastDays: 10, futureDays: 90 } },
      autotask: {
        selection: { mode: 'category', category: 'Autotask' },
        todoRules: [{ category: 'ToDo', companyId: 1, actionTypeId: 2 }],
      },
    };
    const policy = effectivePolicy(tenant, {
      netsuite: { syncWindow: { futureDays: 30 } },
      autotask: { todoRules: [], include: { serviceCalls: false } },
    });
    expect(policy.netsuite.direction).toBe('outlook-to-provider');
    expect(policy.netsuite.syncWindow).toEqual({ pastDays: 10, futureDays: 30 });
    expect(policy.autotask.selection).toEqual({ mode: 'category', category: 'Autotask' });
    // Lists replace rather than merge: an empty list switches the To-Do rules off for this user.
    expect(policy.autotask.todoRules).toEqual([]);
    expect(policy.autotask.include).toEqual({ appointments: true, todos: true, serviceCalls: false });
  });

  it('falls back to the organisation (or defaults) when stored values do not parse', () => {
    expect(effectivePolicy({ netsuite: { direction: 'sideways' } }, {}).netsuite.direction).toBe('both');
    const tenant = { netsuite: { direction: 'off' } };
    expect(effectivePolicy(tenant, { netsuite: { direction: 42 } }).netsuite.direction).toBe('off');
    expect(effectivePolicy(null, undefined).autotask.direction).toBe('both');
  });

  it('rejects unknown fields and impossible values', () => {
    expect(tenantPolicySchema.safeParse({ netsuite: { colour: 'red' } }).success).toBe(false);
    expect(tenantPolicySchema.safeParse({ netsuite: { syncWindow: { pastDays: -1, futureDays: 10 } } }).success).toBe(
      false
    );
    expect(tenantPolicySchema.safeParse({ autotask: { massDelete: { share: 0, minItems: 5 } } }).success).toBe(false);
    expect(tenantPolicySchema.safeParse({ autotask: { selection: { mode: 'category' } } }).success).toBe(false);
    expect(userPolicyOverridesSchema.safeParse({ netsuite: { syncWindow: { weeks: 2 } } }).success).toBe(false);
  });
});

import { guardMassDeletion } from '../../src/domain/mass-delete-guard';
import { type PlanAction } from '../../src/domain/plan-action';
import { massDeleteGuardSchema } from '../../src/domain/policy';

const guard = massDeleteGuardSchema.parse({ maxShare: 0.25, maxCount: 50, minCount: 5 });

const del = (i: number): PlanAction => ({
  type: 'delete',
  replica: 'netsuite',
  side: 'netsuite',
  recordId: `n-${i}`,
  reason: 'deleted-elsewhere',
});
const upd: PlanAction = { type: 'skip', replica: 'netsuite', reason: 'left-window' };

describe('mass-deletion guard', () => {
  it('lets a normal number of deletes through', () => {
    const actions = [del(1), del(2), upd];
    expect(guardMassDeletion(actions, 100, guard)).toEqual({ actions, tripped: false });
  });

  it('holds every delete when more than the configured share would go, and lets the rest through', () => {
    const actions = [...Array.from({ length: 30 }, (_, i) => del(i)), upd];
    const result = guardMassDeletion(actions, 100, guard);
    expect(result.tripped).toBe(true);
    expect(result.actions.filter((a) => a.type === 'delete')).toHaveLength(0);
    const attention = result.actions.find((a) => a.type === 'needs-attention');
    expect(attention).toMatchObject({ reason: 'mass-deletion' });
    expect(attention?.type === 'needs-attention' && attention.held).toHaveLength(30);
    expect(result.actions).toContain(upd);
  });

  it('holds deletes above the absolute limit even for a large calendar', () => {
    const actions = Array.from({ length: 51 }, (_, i) => del(i));
    expect(guardMassDeletion(actions, 10_000, guard).tripped).toBe(true);
  });

  it('a calendar that suddenly looks empty trips the guard', () => {
    const actions = Array.from({ length: 12 }, (_, i) => del(i));
    expect(guardMassDeletion(actions, 12, guard).tripped).toBe(true);
  });

  it('a user with few items may still delete most of them', () => {
    const actions = Array.from({ length: 3 }, (_, i) => del(i));
    expect(guardMassDeletion(actions, 4, guard).tripped).toBe(false);
  });
});

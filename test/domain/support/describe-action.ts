import { type PlanAction } from '../../../src/domain/plan-action';

/** One line per action, for tables: "update netsuite title", "delete outlook:u1 declined"… */
export function describeAction(action: PlanAction): string {
  switch (action.type) {
    case 'create':
      return `create ${action.replica} ${action.reason}`;
    case 'update-fields':
      return `update ${action.replica} ${[...action.changed].sort().join(',')}`;
    case 'delete':
      return `delete ${action.replica} ${action.reason}`;
    case 'rsvp':
      return `rsvp ${action.replica} ${action.response}`;
    case 'conflict-resolved':
      return `conflict ${action.field} ${action.winner} ${action.rule}`;
    case 'skip':
      return `skip ${action.replica ?? '-'} ${action.reason}`;
    case 'needs-attention':
      return `attention ${action.reason}`;
  }
}

export function describePlan(actions: readonly PlanAction[]): string[] {
  return actions.map(describeAction).sort();
}

import type { Pool } from 'pg';
import type { SecretBox } from '../store/secret-box';
import { type ActivityContext, createActivityContext } from './context';
import { type Activities, createActivities } from './index';

/**
 * Activities wired to PostgreSQL and the tenants' provider clients (the worker process's setup).
 * The context comes back too: the worker reads the Autotask budgets from its connectors.
 */
export function buildActivities(deps: { pool: Pool; box: SecretBox; publicBaseUrl?: string }): Activities {
  return buildActivitiesWithContext(deps).activities;
}

export function buildActivitiesWithContext(deps: { pool: Pool; box: SecretBox; publicBaseUrl?: string }): {
  activities: Activities;
  context: ActivityContext;
} {
  const context = createActivityContext(deps);
  return { activities: createActivities(context), context };
}

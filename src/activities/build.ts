import type { Pool } from 'pg';
import type { SecretBox } from '../store/secret-box';
import { createActivityContext } from './context';
import { type Activities, createActivities } from './index';

/** Activities wired to PostgreSQL and the tenants' provider clients (the worker process's setup). */
export function buildActivities(deps: { pool: Pool; box: SecretBox; publicBaseUrl?: string }): Activities {
  return createActivities(createActivityContext(deps));
}

import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { UserStore } from '../store/users';
import type { UserSyncSettings } from '../workflows/user-sync/types';

export interface ApiDeps {
  temporal: Client;
  pool: Pool;
  users: UserStore;
  taskQueue: string;
  syncSettings: UserSyncSettings;
  logger: Logger;
}

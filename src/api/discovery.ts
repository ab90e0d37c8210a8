import { z } from 'zod';
import { ProviderError } from '../providers/provider-error';
import type {
  AutotaskConnection,
  GraphConnection,
  NetSuiteConnection,
  TenantSecrets,
} from '../store/tenant-connections';
import {
  autotaskClientFor,
  describeTokenError,
  graphAccessFor,
  graphGet,
  MissingCredentialsError,
  netsuiteClientFor,
} from './provider-clients';

export type DiscoveryOutcome =
  | { status: 'found'; id: string; name?: string }
  | { status: 'not-found' }
  | { status: 'not-configured'; detail: string }
  | { status: 'error'; code: string; message: string };

/** Finds a person's id in each provider from their email address. */
export interface Discovery {
  /** The mailbox's Graph user id (needs the User.Read.All application permission). */
  graph(connection: GraphConnection, secrets: TenantSecrets, email: string): Promise<DiscoveryOutcome>;
  /** The active employee with this email (SuiteQL). */
  netsuite(connection: NetSuiteConnection, secrets: TenantSecrets, email: string): Promise<DiscoveryOutcome>;
  /** The resource with this primary or secondary email. */
  autotask(connection: AutotaskConnection, secrets: TenantSecrets, email: string): Promise<DiscoveryOutcome>;
}

const failed = (err: unknown): DiscoveryOutcome =>
  err instanceof MissingCredentialsError
    ? { status: 'not-configured', detail: err.message }
    : err instanceof ProviderError
      ? { status: 'error', code: err.code, message: err.message }
      : { status: 'error', code: 'failed', message: (err as Error).message };

const employeeRow = z.object({ id: z.string(), entityid: z.string().optional() });
const graphUser = z.looseObject({ id: z.string(), displayName: z.string().nullish() });

export const defaultDiscovery: Discovery = {
  async graph(connection, secrets, email) {
    try {
      const access = graphAccessFor(connection, secrets);
      let token: string;
      try {
        token = await access.getAccessToken();
      } catch (err) {
        const error = describeTokenError(err);
        return { status: 'error', code: error.code, message: error.message };
      }
      const read = await graphGet(
        `${access.options.graphBaseUrl}/users/${encodeURIComponent(email)}?$select=id,displayName`,
        token
      );
      if (!read.ok)
        return read.error.status === 404
          ? { status: 'not-found' }
          : { status: 'error', code: read.error.code, message: read.error.message };
      const user = graphUser.safeParse(read.body);
      return user.success
        ? { status: 'found', id: user.data.id, name: user.data.displayName ?? undefined }
        : { status: 'error', code: 'invalid-response', message: 'Graph answered without a user id' };
    } catch (err) {
      return failed(err);
    }
  },

  async netsuite(connection, secrets, email) {
    try {
      const { client } = netsuiteClientFor(connection, secrets);
      const rows = await client.suiteQl.query(
        'suiteql.employeeByEmail',
        "SELECT id, entityid FROM employee WHERE LOWER(email) = ? AND isinactive = 'F' ORDER BY id",
        [email.trim().toLowerCase()],
        employeeRow
      );
      const first = rows[0];
      return first ? { status: 'found', id: first.id, name: first.entityid } : { status: 'not-found' };
    } catch (err) {
      return failed(err);
    }
  },

  async autotask(connection, secrets, email) {
    try {
      const resource = await autotaskClientFor(connection, secrets).findResourceByEmail(email);
      if (!resource) return { status: 'not-found' };
      const name = [resource.firstName, resource.lastName].filter(Boolean).join(' ');
      return { status: 'found', id: String(resource.id), ...(name ? { name } : {}) };
    } catch (err) {
      return failed(err);
    }
  },
};

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { DevCertificate } from '../emulators/dev-certificate';
import { type AutotaskEmulator, startAutotaskEmulator } from '../emulators/autotask';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph';
import { type NetSuiteEmulator, startNetSuiteEmulator } from '../emulators/netsuite';
import type { SecretBox } from '../store/secret-box';
import { TenantStore } from '../store/tenants';
import { UserStore } from '../store/users';

/**
 * Sandbox mode: the provider emulators on localhost, and a demo tenant whose connections point at
 * them, with one demo user, so that a newcomer sees events flow without any credentials. The demo
 * credentials are the emulators' own; they are written to `.data/sandbox.json` for people and tests
 * that want to act as the demo user in Outlook or NetSuite.
 */
export interface Sandbox {
  tenantId: string;
  userId: string;
  graph: GraphEmulator;
  netsuite: NetSuiteEmulator;
  autotask: AutotaskEmulator;
  info: SandboxInfo;
  /** Makes a demo Outlook event now and then, so something flows (CALSYNC_SANDBOX_DEMO_INTERVAL_MS). */
  startDemoActivity(): void;
  close(): Promise<void>;
}

export interface SandboxInfo {
  tenantId: string;
  userId: string;
  mailbox: string;
  graph: { baseUrl: string; loginHost: string; directoryId: string; clientId: string; clientSecret: string };
  netsuite: {
    baseUrl: string;
    accountId: string;
    clientId: string;
    certificateId: string;
    privateKeyPem: string;
    employeeId: string;
  };
  autotask: { zoneLookupUrl: string; userName: string; secret: string; integrationCode: string; resourceId: number };
}

export const SANDBOX_TENANT_ID = 't_sandbox';
export const SANDBOX_USER_ID = 'u_demo';
const MAILBOX = 'demo.user@contoso.example';

export async function startSandbox(options: {
  config: Config;
  pool: Pool;
  box: SecretBox;
  certificate: DevCertificate;
  dataDir: string;
  /** Ids of the demo tenant and user (tests give each stack its own, so workflow ids never collide). */
  tenantId?: string;
  userId?: string;
  /**
   * Where the API receives webhooks. With it, the emulated NetSuite pushes its users' changes there,
   * as the shipped SuiteScript bundle would; without it a tenant poller reads them.
   */
  publicBaseUrl?: string;
  /**
   * Whether the tenant's connection says the recurrence RESTlet is installed (the emulator runs
   * it): series then live natively in NetSuite. Default true.
   */
  nativeRecurrence?: boolean;
}): Promise<Sandbox> {
  const { config } = options;
  const tenantId = options.tenantId ?? SANDBOX_TENANT_ID;
  const userId = options.userId ?? SANDBOX_USER_ID;
  const graph = await startGraphEmulator({
    host: config.EMULATOR_HOST,
    port: config.GRAPH_EMULATOR_PORT,
    tls: { key: options.certificate.key, cert: options.certificate.cert },
  });
  const netsuite = await startNetSuiteEmulator({ host: config.EMULATOR_HOST, port: config.NETSUITE_EMULATOR_PORT });
  const autotask = await startAutotaskEmulator({ host: config.EMULATOR_HOST, port: config.AUTOTASK_EMULATOR_PORT });
  const resource = {
    id: Number(autotask.userSide.createResource({ firstName: 'Demo', lastName: 'User', email: MAILBOX }).id),
  };

  const graphApp = {
    tenantId: 'contoso-sandbox-directory',
    clientId: 'calsync-sandbox-app',
    clientSecret: 'sandbox-graph-secret',
  };
  graph.registerApp(graphApp);
  graph.addMailbox(MAILBOX, { displayName: 'Demo User', tenantId: graphApp.tenantId });

  // A fresh key pair per start: the emulator forgets registrations when it stops.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const m2m = { clientId: 'calsync-sandbox-integration', certificateId: 'sandbox-cert-1' };
  netsuite.registerM2M({ ...m2m, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const employee = netsuite.addEmployee({ name: 'Demo User', email: MAILBOX, timeZone: 'America/New_York' });
  const pushSecret = options.publicBaseUrl ? randomBytes(24).toString('base64url') : undefined;
  if (options.publicBaseUrl && pushSecret) {
    const base = options.publicBaseUrl.replace(/\/+$/, '');
    netsuite.configurePush({ url: `${base}/webhooks/netsuite/${encodeURIComponent(tenantId)}`, secret: pushSecret });
  }

  // The emulators start empty every time, so what the sandbox tenant synced before refers to
  // records that no longer exist: forget it (Temporal history and real tenants are kept).
  await options.pool.query('DELETE FROM cursors WHERE tenant_id = $1', [tenantId]);
  await options.pool.query('DELETE FROM items WHERE tenant_id = $1', [tenantId]);
  await options.pool.query('DELETE FROM graph_subscriptions WHERE tenant_id = $1', [tenantId]);

  const tenants = new TenantStore(options.pool, options.box);
  await tenants.upsert(
    {
      id: tenantId,
      name: 'Sandbox (emulated Microsoft 365, NetSuite and Autotask)',
      sandbox: true,
      policy: {},
      connections: {
        graph: {
          directoryId: graphApp.tenantId,
          clientId: graphApp.clientId,
          cloud: 'global',
          loginHost: graph.loginUrl,
          graphBaseUrl: graph.baseUrl,
          scope: graph.scope,
        },
        netsuite: {
          accountId: netsuite.accountId,
          auth: 'm2m',
          ...m2m,
          algorithm: 'PS256',
          restBaseUrl: netsuite.baseUrl,
          restletUrl: netsuite.restletUrl,
          pushInstalled: pushSecret !== undefined,
          recurrenceRestletInstalled: options.nativeRecurrence ?? true,
          concurrencyLimit: 5,
        },
        autotask: {
          username: autotask.credentials.userName,
          zoneDiscoveryUrl: autotask.zoneLookupUrl,
          hourlyBudgetShare: 0.5,
          threadsPerEndpoint: 3,
        },
      },
    },
    {
      graph: { clientSecret: graphApp.clientSecret },
      netsuite: { privateKeyPem },
      ...(pushSecret ? { netsuitePush: { secret: pushSecret } } : {}),
      autotask: { secret: autotask.credentials.secret, integrationCode: autotask.credentials.integrationCode },
    }
  );
  await new UserStore(options.pool).upsert({
    id: userId,
    tenantId,
    mailbox: MAILBOX,
    netsuiteEmployeeId: employee.id,
    autotaskResourceId: resource.id,
    timeZone: 'America/New_York',
    policy: {},
  });

  const info: SandboxInfo = {
    tenantId,
    userId,
    mailbox: MAILBOX,
    graph: { baseUrl: graph.baseUrl, loginHost: graph.loginUrl, directoryId: graphApp.tenantId, ...graphApp },
    netsuite: {
      baseUrl: netsuite.baseUrl,
      accountId: netsuite.accountId,
      ...m2m,
      privateKeyPem,
      employeeId: employee.id,
    },
    autotask: { zoneLookupUrl: autotask.zoneLookupUrl, ...autotask.credentials, resourceId: resource.id },
  };
  writeFileSync(path.join(options.dataDir, 'sandbox.json'), JSON.stringify(info, null, 2), { mode: 0o600 });

  let timer: NodeJS.Timeout | undefined;
  let demoCount = 0;
  return {
    tenantId,
    userId,
    graph,
    netsuite,
    autotask,
    info,
    startDemoActivity() {
      const interval = config.CALSYNC_SANDBOX_DEMO_INTERVAL_MS;
      if (interval <= 0 || timer) return;
      const makeOne = () => {
        demoCount += 1;
        const start = new Date(Date.now() + demoCount * 3_600_000);
        start.setUTCMinutes(0, 0, 0);
        graph.userSide.createEvent(MAILBOX, {
          subject: `Demo customer call #${demoCount}`,
          body: 'Made in the emulated Outlook by the sandbox, to show events flowing into NetSuite.',
          start: start.toISOString().slice(0, 19),
          end: new Date(start.getTime() + 1_800_000).toISOString().slice(0, 19),
          timeZone: 'UTC',
          location: 'Teams',
        });
      };
      makeOne();
      timer = setInterval(makeOne, interval);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.allSettled([graph.close(), netsuite.close(), autotask.close()]);
    },
  };
}

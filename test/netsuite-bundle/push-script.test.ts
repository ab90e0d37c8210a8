import { createHmac } from 'node:crypto';
import { verifyPush } from '../../src/providers/netsuite/push-signature';
import { loadSuiteScript } from './amd-loader';

const ContextType = {
  USER_INTERFACE: 'USERINTERFACE',
  REST_WEBSERVICES: 'RESTWEBSERVICES',
  RESTLET: 'RESTLET',
  CSV_IMPORT: 'CSVIMPORT',
};
const secrets: Record<string, string> = { custsecret_calsync_push: 'tenant-secret-1' };

interface Posted {
  url: string;
  body: string;
  headers: Record<string, string>;
}

function setUp(
  options: { executionContext?: string; role?: number; skipRole?: number | null; postFails?: boolean } = {}
) {
  const posted: Posted[] = [];
  const errors: unknown[] = [];
  const params: Record<string, unknown> = {
    custscript_calsync_webhook_url: 'https://calsync.example/webhooks/netsuite/t1',
    custscript_calsync_secret: 'custsecret_calsync_push',
    custscript_calsync_skip_role: options.skipRole === undefined ? 1042 : options.skipRole,
  };
  const deps = {
    'N/runtime': {
      executionContext: options.executionContext ?? ContextType.USER_INTERFACE,
      ContextType,
      getCurrentScript: () => ({ getParameter: ({ name }: { name: string }) => params[name] }),
      getCurrentUser: () => ({ role: options.role ?? 3 }),
    },
    'N/https': {
      post: (request: Posted) => {
        if (options.postFails)
          throw Object.assign(new Error('connection refused'), { name: 'SSS_REQUEST_TIME_EXCEEDED' });
        posted.push(request);
        return { code: 202 };
      },
    },
    'N/crypto': {
      HashAlg: { SHA256: 'SHA256' },
      createSecretKey: ({ secret }: { secret: string }) => ({ value: secrets[secret] }),
      createHmac: ({ key }: { algorithm: string; key: { value: string } }) => {
        const hmac = createHmac('sha256', key.value);
        // NetSuite's HEX digest is upper case; the script must lower it.
        return {
          update: ({ input }: { input: string }) => hmac.update(input),
          digest: () => hmac.digest('hex').toUpperCase(),
        };
      },
    },
    'N/encode': { Encoding: { UTF_8: 'UTF_8', HEX: 'HEX' } },
    'N/log': { error: (entry: unknown) => errors.push(entry) },
  };
  const script = loadSuiteScript<{ afterSubmit(context: unknown): void }>('calsync_ue_push.js', deps);
  const record = (id: number) => ({
    id,
    getValue: ({ fieldId }: { fieldId: string }) =>
      fieldId === 'lastmodifieddate' ? new Date('2026-03-04T05:06:07.890Z') : undefined,
  });
  const submit = (type: string, id = 42) => script.afterSubmit({ type, newRecord: record(id), oldRecord: record(id) });
  return { posted, errors, submit };
}

describe('the shipped User Event script (calsync_ue_push.js)', () => {
  it('posts {type, id, lastModified} signed so that calsync verifies it with the tenant secret', () => {
    const { posted, submit } = setUp();
    submit('create');
    expect(posted).toHaveLength(1);
    const [push] = posted;
    expect(push!.url).toBe('https://calsync.example/webhooks/netsuite/t1');
    expect(JSON.parse(push!.body)).toEqual({ type: 'create', id: '42', lastModified: '2026-03-04T05:06:07Z' });
    const ok = verifyPush({
      secret: 'tenant-secret-1',
      rawBody: push!.body,
      signature: push!.headers['X-Calsync-Signature'],
      timestamp: push!.headers['X-Calsync-Timestamp'],
    });
    expect(ok).toBe(true);
    expect(
      verifyPush({
        secret: 'another-tenant',
        rawBody: push!.body,
        signature: push!.headers['X-Calsync-Signature'],
        timestamp: push!.headers['X-Calsync-Timestamp'],
      })
    ).toBe(false);
  });

  it('reports edit, xedit and delete (without a timestamp on delete), and nothing else', () => {
    const { posted, submit } = setUp();
    for (const type of ['edit', 'xedit', 'delete', 'view', 'copy', 'approve']) submit(type);
    expect(posted.map((p) => JSON.parse(p.body) as unknown)).toEqual([
      { type: 'edit', id: '42', lastModified: '2026-03-04T05:06:07Z' },
      { type: 'xedit', id: '42', lastModified: '2026-03-04T05:06:07Z' },
      { type: 'delete', id: '42' },
    ]);
  });

  it("skips writes made under the calsync role, but not another integration's REST writes", () => {
    const own = setUp({ executionContext: ContextType.REST_WEBSERVICES, role: 1042 });
    own.submit('edit');
    expect(own.posted).toEqual([]);
    const other = setUp({ executionContext: ContextType.REST_WEBSERVICES, role: 1077 });
    other.submit('edit');
    expect(other.posted).toHaveLength(1);
  });

  it('without a configured role, skips every REST web services and RESTlet write', () => {
    for (const executionContext of [ContextType.REST_WEBSERVICES, ContextType.RESTLET]) {
      const run = setUp({ executionContext, skipRole: null });
      run.submit('edit');
      expect(run.posted).toEqual([]);
    }
    const ui = setUp({ skipRole: null });
    ui.submit('edit');
    expect(ui.posted).toHaveLength(1);
  });

  it("logs and never fails the user's save when the webhook cannot be reached", () => {
    const { errors, submit } = setUp({ postFails: true });
    expect(() => submit('edit')).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});

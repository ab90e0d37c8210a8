import { generateKeyPairSync } from 'node:crypto';
import {
  type NetSuiteEmulator,
  type NetSuiteEmulatorOptions,
  startNetSuiteEmulator,
} from '../../../src/emulators/netsuite';
import {
  type NetSuiteClient,
  type NetSuiteClientOptions,
  createNetSuiteClient,
} from '../../../src/providers/netsuite/netsuite-client';

/** An emulator over real HTTP with one M2M and one TBA integration registered, and clients for both. */
export interface NetSuiteHarness {
  emulator: NetSuiteEmulator;
  m2m: NetSuiteClient;
  tba: NetSuiteClient;
  clientFor(scheme: 'm2m' | 'tba', overrides?: Partial<NetSuiteClientOptions>): NetSuiteClient;
  m2mKeys: { privateKeyPem: string; publicKeyPem: string };
  tbaCredentials: { consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string };
}

export async function startHarness(options: NetSuiteEmulatorOptions = {}): Promise<NetSuiteHarness> {
  const emulator = await startNetSuiteEmulator(options);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const m2mKeys = {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  emulator.registerM2M({ clientId: 'calsync-client', certificateId: 'cert-1', publicKeyPem: m2mKeys.publicKeyPem });
  const tbaCredentials = {
    consumerKey: 'ck-calsync',
    consumerSecret: 'cs-secret',
    tokenId: 'tok-calsync',
    tokenSecret: 'ts-secret',
  };
  emulator.registerTba(tbaCredentials);
  const clientFor = (scheme: 'm2m' | 'tba', overrides: Partial<NetSuiteClientOptions> = {}) =>
    createNetSuiteClient({
      accountId: emulator.accountId,
      baseUrl: emulator.baseUrl,
      restletUrl: emulator.restletUrl,
      now: () => emulator.now(),
      auth:
        scheme === 'm2m'
          ? {
              kind: 'm2m',
              clientId: 'calsync-client',
              certificateId: 'cert-1',
              privateKeyPem: m2mKeys.privateKeyPem,
              algorithm: 'ES256',
            }
          : { kind: 'tba', ...tbaCredentials },
      ...overrides,
    });
  return { emulator, m2m: clientFor('m2m'), tba: clientFor('tba'), clientFor, m2mKeys, tbaCredentials };
}

import { createGraphClient, type GraphClient } from '../../../src/providers/graph';
import type { GraphClientOptions } from '../../../src/providers/graph/options';
import type { GraphEmulatorOptions } from '../../../src/emulators/graph';
import { startHarness, type Harness } from '../../emulators/graph/harness';

/** The production client pointed at a fresh emulator. */
export interface ClientHarness extends Harness {
  client: GraphClient;
  warnings: string[];
  makeClient(overrides?: Partial<GraphClientOptions>): GraphClient;
}

export async function startClientHarness(options: GraphEmulatorOptions = {}): Promise<ClientHarness> {
  const h = await startHarness(options);
  const warnings: string[] = [];
  const makeClient = (overrides: Partial<GraphClientOptions> = {}) =>
    createGraphClient({
      ...h.app,
      loginHost: h.emu.loginUrl,
      graphBaseUrl: h.emu.baseUrl,
      onWarning: (w) => warnings.push(w),
      ...overrides,
    });
  return { ...h, client: makeClient(), warnings, makeClient };
}

export const window = { start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z' };

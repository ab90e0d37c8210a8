import { openGate, type CallGate } from '../../../src/providers/call-gate';
import { AutotaskClient } from '../../../src/providers/autotask';
import {
  startAutotaskEmulator,
  type AutotaskEmulator,
  type AutotaskEmulatorOptions,
} from '../../../src/emulators/autotask';

/** A clock tests can move; the emulator stamps change times from it. */
export function manualClock(start = '2026-03-02T08:00:00.000Z') {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export interface Harness {
  emulator: AutotaskEmulator;
  client: AutotaskClient;
  seed: {
    dana: number;
    sam: number;
    acme: number;
    globex: number;
    contact: number;
    phoneCall: number;
    meeting: number;
  };
  newClient(gate?: CallGate): AutotaskClient;
}

export async function startHarness(options: AutotaskEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startAutotaskEmulator(options);
  const u = emulator.userSide;
  const dana = Number(u.createResource({ firstName: 'Dana', lastName: 'Reyes', email: 'dana.reyes@example.com' }).id);
  const sam = Number(
    u.createResource({ firstName: 'Sam', lastName: 'Okafor', email: 'sam@example.com', isActive: true }).id
  );
  const acme = Number(
    u.createCompany({
      companyName: 'Acme Corp',
      address1: '1 Main St',
      address2: 'Suite 2',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
    }).id
  );
  const globex = Number(u.createCompany({ companyName: 'Globex' }).id);
  const contact = Number(u.createContact({ companyID: acme, firstName: 'Jane', lastName: 'Doe' }).id);
  const phoneCall = Number(u.createActionType({ name: 'Phone Call' }).id);
  const meeting = Number(u.createActionType({ name: 'Meeting' }).id);
  const newClient = (gate?: CallGate) =>
    new AutotaskClient({ credentials: emulator.credentials, zoneLookupUrl: emulator.zoneLookupUrl, gate });
  return {
    emulator,
    client: newClient(),
    seed: { dana, sam, acme, globex, contact, phoneCall, meeting },
    newClient,
  };
}

export { openGate };

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

import type { ItemKind } from '../../domain/canonical-event';
import { type Link, replicaKey } from '../../domain/link';
import type { WriteAction } from '../../domain/plan-action';
import type { ReplicaIO, ReplicaOwner } from './replica-io';

/** A replica after a write: its record id and version, or undefined once deleted. */
export type WrittenReplica = { recordId: string; version?: string } | undefined;

/** Applies one planned write through a side's adapter (shared by the record and series engines). */
export async function writeReplica(
  io: ReplicaIO,
  owner: ReplicaOwner,
  link: Link,
  action: WriteAction,
  kind: ItemKind
): Promise<WrittenReplica> {
  const recordId = action.recordId ?? link.replicas[action.replica]?.recordId;
  switch (action.type) {
    case 'create': {
      // The owner's Outlook categories decide whether Autotask gets an Appointment or a To-Do.
      const categories = link.replicas[replicaKey('outlook', owner.userId)]?.base?.fields.categories;
      const item = { itemId: link.itemId, kind, ...(categories ? { categories } : {}) };
      const written = await io.create(owner, action, item);
      return { recordId: written.recordId, version: written.version };
    }
    case 'update-fields': {
      if (!recordId) throw new Error(`update of ${action.replica} without a record id`);
      const written = await io.update(owner, action, recordId);
      return { recordId, version: written.version };
    }
    case 'delete':
      if (recordId) await io.remove(owner, action, recordId);
      return undefined;
    case 'rsvp':
      if (!recordId || !io.respond) throw new Error(`rsvp on ${action.replica} is not possible`);
      await io.respond(owner, action, recordId);
      return { recordId, version: undefined };
  }
}

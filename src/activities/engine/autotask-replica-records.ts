import type { ItemKind } from '../../domain/canonical-event';
import {
  fromServiceCall,
  fromToDo,
  itemRef,
  loadServiceCallDetails,
  occurrenceRef,
  stripMarker,
  type AutotaskClient,
  type AutotaskUser,
  type CompanyToDo,
  type FromAutotask,
  type ToDoNames,
} from '../../providers/autotask';

/**
 * Autotask record ids as the engine stores them: the entity and its id (`appointment:123`,
 * `todo:456`, `servicecall:789`), because the three entities number their records separately.
 */
export type AutotaskEntityKind = 'appointment' | 'todo' | 'servicecall';

export interface AutotaskRecordId {
  entity: AutotaskEntityKind;
  id: number;
}

export function formatRecordId(record: AutotaskRecordId): string {
  return `${record.entity}:${record.id}`;
}

/** Parses an engine record id; a bare number is an appointment (what Autotask itself would call it). */
export function parseRecordId(recordId: string): AutotaskRecordId {
  const match = /^(?:(appointment|todo|servicecall):)?(\d+)$/.exec(recordId.trim());
  if (!match?.[2]) throw new Error(`not an Autotask record id: "${recordId}"`);
  return { entity: (match[1] ?? 'appointment') as AutotaskEntityKind, id: Number(match[2]) };
}

export function kindOfEntity(entity: AutotaskEntityKind): ItemKind {
  return entity === 'todo' ? 'todo' : entity === 'servicecall' ? 'service-call' : 'event';
}

/**
 * The marker ref the adapter stamps for an item: an occurrence of a series (item id
 * `<seriesItemId>@<occurrenceKey>`, as series plans name them) carries its series and original
 * start; anything else its own item id. Index links by it to resolve a marker to an item id.
 */
export function markerRefFor(itemId: string, occurrenceKey?: string): string {
  const suffix = occurrenceKey === undefined ? undefined : `@${occurrenceKey}`;
  if (suffix !== undefined && occurrenceKey !== undefined && itemId.endsWith(suffix) && itemId.length > suffix.length)
    return occurrenceRef(itemId.slice(0, -suffix.length), occurrenceKey);
  return itemRef(itemId);
}

/** Company, contact and action type names a to-do's Outlook subject shows. */
export async function toDoNames(client: AutotaskClient, toDo: CompanyToDo): Promise<ToDoNames> {
  const [companies, contacts, actionTypes] = await Promise.all([
    client.getCompanies([toDo.companyID]),
    toDo.contactID ? client.getContacts([toDo.contactID]) : Promise.resolve([]),
    client.listActionTypes(),
  ]);
  const contact = contacts[0];
  const contactName = contact ? [contact.firstName, contact.lastName].filter((s) => !!s).join(' ') : '';
  return {
    companyName: companies[0]?.companyName ?? `Company ${toDo.companyID}`,
    ...(contactName !== '' ? { contactName } : {}),
    actionTypeName: actionTypes.find((a) => a.id === toDo.actionType)?.name ?? '',
  };
}

export interface ReadRecord {
  mapped: FromAutotask;
  /** The marker ref (raw), when calsync made the record. */
  ref?: string;
  modifiedAt?: string | null;
}

export async function readToDo(client: AutotaskClient, id: number, zone: string): Promise<ReadRecord | null> {
  const toDo = await client.getToDo(id);
  if (!toDo) return null;
  const user: AutotaskUser = { resourceID: toDo.assignedToResourceID, timeZone: zone };
  const ref = stripMarker(toDo.activityDescription).ref;
  return {
    mapped: fromToDo(toDo, await toDoNames(client, toDo), user),
    ...(ref !== undefined ? { ref } : {}),
    modifiedAt: toDo.lastModifiedDate,
  };
}

export async function readServiceCall(client: AutotaskClient, id: number, zone: string): Promise<ReadRecord | null> {
  const call = await client.getServiceCall(id);
  if (!call) return null;
  const [details] = await loadServiceCallDetails(client, [call]);
  if (!details) return null;
  const user: AutotaskUser = { resourceID: 0, timeZone: zone };
  return { mapped: fromServiceCall(details, user), modifiedAt: call.lastModifiedDateTime };
}

/** The subject a to-do's Outlook title stands for (its company / action-type decoration removed). */
export function toDoSubjectOf(title: string, names: ToDoNames): string {
  const who = [names.companyName, names.contactName].filter((s): s is string => !!s && s.trim() !== '').join(' / ');
  const suffix = [who, names.actionTypeName].filter((s) => s.trim() !== '').join(' – ');
  return suffix !== '' && title.endsWith(` – ${suffix}`) ? title.slice(0, -` – ${suffix}`.length) : title;
}

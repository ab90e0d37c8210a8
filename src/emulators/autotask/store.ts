import { ENTITIES, fieldByName, type EntityDef, type EntityName, type FieldDef } from './entities';
import { errors500, MESSAGES } from './fault';

export type EntityRecord = Record<string, unknown>;

export interface WriteContext {
  /** The resource acting (creatorResourceID on create). */
  actorResourceID?: number;
  /** Value of the parent id from the URL, for parent-only writes. */
  parentId?: number;
}

export interface StoreOptions {
  now: () => Date;
  /** 'set' (default): the change field is stamped on create too; 'null': only from the first update on. */
  changeFieldOnCreate?: 'set' | 'null';
}

/**
 * The emulator's data: one table per entity, ids from one counter, writes validated the way
 * Autotask validates them (required fields, types, lengths, references) and stamped with UTC
 * change times. Both the HTTP routes and the user-side API write through it.
 */
export class EntityStore {
  private readonly tables = new Map<EntityName, Map<number, EntityRecord>>();
  private nextId = 29_683_000;
  private ticketSeq = 0;

  constructor(private readonly options: StoreOptions) {
    for (const name of Object.keys(ENTITIES) as EntityName[]) this.tables.set(name, new Map());
  }

  private table(entity: EntityName): Map<number, EntityRecord> {
    const table = this.tables.get(entity);
    if (!table) throw new Error(`unknown entity ${entity}`);
    return table;
  }

  now(): string {
    return this.options.now().toISOString();
  }

  get(entity: EntityName, id: number): EntityRecord | undefined {
    const rec = this.table(entity).get(id);
    return rec ? { ...rec } : undefined;
  }

  /** A copy of the first record that matches, without copying the others. */
  find(entity: EntityName, matches: (record: Readonly<EntityRecord>) => boolean): EntityRecord | undefined {
    for (const record of this.table(entity).values()) if (matches(record)) return { ...record };
    return undefined;
  }

  all(entity: EntityName): EntityRecord[] {
    return [...this.table(entity).values()].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ ...r }));
  }

  create(entity: EntityName, input: EntityRecord, context: WriteContext = {}): EntityRecord {
    const def = ENTITIES[entity];
    const record: EntityRecord = {};
    for (const field of def.fields) record[field.name] = null;
    this.assign(def, record, input, context);
    this.checkRequired(def, record);
    const id = this.nextId++;
    const now = this.now();
    record.id = id;
    if (def.createField) record[def.createField] = now;
    if (def.creatorField) record[def.creatorField] = context.actorResourceID ?? null;
    if (def.changeField) record[def.changeField] = this.options.changeFieldOnCreate === 'null' ? null : now;
    if (entity === 'Tickets' && record.ticketNumber === null) record.ticketNumber = this.number('T', now);
    if (entity === 'Tasks' && record.taskNumber === null) record.taskNumber = this.number('T', now);
    if (entity === 'ServiceCalls') record.duration = durationHours(record);
    if (def.hasUserDefinedFields) record.userDefinedFields = [];
    this.table(entity).set(id, record);
    return { ...record };
  }

  /** PATCH (only given fields) or PUT (`replace`: writable fields not given become null). */
  update(
    entity: EntityName,
    id: number,
    input: EntityRecord,
    context: WriteContext = {},
    replace = false
  ): EntityRecord {
    const def = ENTITIES[entity];
    const current = this.table(entity).get(id);
    if (!current) throw errors500(MESSAGES.updateMissing);
    if (context.parentId !== undefined && def.parent && current[def.parent.field] !== context.parentId) {
      throw errors500(MESSAGES.updateMissing);
    }
    const next: EntityRecord = { ...current };
    if (replace) {
      for (const field of def.fields) if (!field.readOnly && field.name !== def.parent?.field) next[field.name] = null;
    }
    this.assign(def, next, input, context);
    this.checkRequired(def, next);
    if (def.changeField) next[def.changeField] = this.now();
    if (entity === 'ServiceCalls') next.duration = durationHours(next);
    this.table(entity).set(id, next);
    return { ...next };
  }

  delete(entity: EntityName, id: number, context: WriteContext = {}): boolean {
    const def = ENTITIES[entity];
    const current = this.table(entity).get(id);
    if (!current) return false;
    if (context.parentId !== undefined && def.parent && current[def.parent.field] !== context.parentId) return false;
    this.table(entity).delete(id);
    return true;
  }

  /** Sets a field the API cannot write (a ticket number chosen by a test, say); not a change. */
  setReadOnly(entity: EntityName, id: number, field: string, value: unknown): unknown {
    const record = this.table(entity).get(id);
    if (!record) throw errors500(MESSAGES.updateMissing);
    record[field] = value;
    return value;
  }

  private number(prefix: string, now: string): string {
    this.ticketSeq += 1;
    return `${prefix}${now.slice(0, 10).replaceAll('-', '')}.${String(this.ticketSeq).padStart(4, '0')}`;
  }

  private assign(def: EntityDef, record: EntityRecord, input: EntityRecord, context: WriteContext): void {
    for (const [key, value] of Object.entries(input)) {
      const field = fieldByName(def, key);
      // Unknown and read-only fields are ignored on write, as Autotask does.
      if (!field || field.readOnly) continue;
      record[field.name] = this.coerce(def, field, value);
    }
    if (def.parent && context.parentId !== undefined) {
      const given = record[def.parent.field];
      if (given !== null && given !== context.parentId) {
        throw errors500(`${def.parent.field} does not match the parent ${def.parent.entity} id in the URL.`);
      }
      record[def.parent.field] = context.parentId;
    }
    if (def.name === 'CompanyToDos' && record.contactID !== null) {
      const contact = this.table('Contacts').get(Number(record.contactID));
      if (contact && contact.companyID !== record.companyID) {
        throw errors500('contactID must belong to the same company as the To-Do.');
      }
    }
  }

  private coerce(def: EntityDef, field: FieldDef, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    const bad = () => errors500(`Invalid value for ${field.name} in ${def.name}: ${JSON.stringify(value)}.`);
    switch (field.type) {
      case 'integer':
      case 'long': {
        const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw bad();
        if (field.references && !this.table(field.references).has(n)) {
          throw errors500(`Value does not reference an existing entity for ${field.name}. `);
        }
        return n;
      }
      case 'double': {
        if (typeof value !== 'number') throw bad();
        return value;
      }
      case 'boolean': {
        if (typeof value !== 'boolean') throw bad();
        return value;
      }
      case 'datetime': {
        if (typeof value !== 'string') throw bad();
        // Autotask stores UTC; a value without an offset is read as UTC.
        const text = /[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`;
        const at = new Date(text);
        if (Number.isNaN(at.getTime())) throw bad();
        return at.toISOString();
      }
      case 'string': {
        if (typeof value !== 'string') throw bad();
        if (field.maxLength !== undefined && value.length > field.maxLength) {
          throw errors500(`${field.name} exceeds the maximum length of ${field.maxLength} characters.`);
        }
        return value;
      }
    }
  }

  private checkRequired(def: EntityDef, record: EntityRecord): void {
    const missing = def.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === ''));
    if (missing.length > 0) throw errors500(...missing.map((f) => `${f.name} is required.`));
    if (
      typeof record.startDateTime === 'string' &&
      typeof record.endDateTime === 'string' &&
      Date.parse(record.endDateTime) < Date.parse(record.startDateTime)
    ) {
      throw errors500('endDateTime must not be before startDateTime.');
    }
  }
}

function durationHours(record: EntityRecord): number | null {
  if (typeof record.startDateTime !== 'string' || typeof record.endDateTime !== 'string') return null;
  return (Date.parse(record.endDateTime) - Date.parse(record.startDateTime)) / 3_600_000;
}

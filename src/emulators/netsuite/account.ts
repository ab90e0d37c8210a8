import { type JsonWebKey } from 'node:crypto';
import { DateTime } from 'luxon';
import { normalizeAccountId } from '../../providers/netsuite/account-id';
import { type Entity, type EntityType, type ExecutionContext, type StoredEvent } from './model';

export interface M2MRegistration {
  clientId: string;
  certificateId: string;
  publicKeyPem?: string;
  publicKeyJwk?: JsonWebKey;
  /** The employee the integration acts as; default: the account's integration user. */
  employeeId?: string;
}

export interface TbaRegistration {
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
  employeeId?: string;
}

export interface IssuedToken {
  employeeId: string;
  expiresAt: number;
}

export interface SentEmail {
  eventId: string;
  to: string;
  kind: 'invitation' | 'update' | 'cancellation';
  subject: string;
  at: string;
}

export interface ChangeRecord {
  type: 'create' | 'edit' | 'xedit' | 'delete';
  event: StoredEvent;
  context: ExecutionContext;
  byEmployeeId: string;
}

/** One NetSuite account: its people, events and credentials. */
export class EmulatedAccount {
  readonly realm: string;
  readonly host: string;
  readonly entities = new Map<string, Entity>();
  readonly events = new Map<string, StoredEvent>();
  readonly m2m: M2MRegistration[] = [];
  readonly tba: TbaRegistration[] = [];
  readonly tokens = new Map<string, IssuedToken>();
  readonly usedNonces = new Map<string, number>();
  readonly sentEmails: SentEmail[] = [];
  /** The user the integration acts as unless a registration names another. */
  readonly integrationUserId: string;
  private nextId = 100;
  private lastStamp = 0;
  inFlight = 0;

  constructor(
    accountId: string,
    readonly now: () => number,
    readonly onChange: (change: ChangeRecord) => void,
    defaultTimeZone: string
  ) {
    const normalized = normalizeAccountId(accountId);
    this.realm = normalized.realm;
    this.host = normalized.host;
    this.integrationUserId = this.addEntity('employee', {
      name: 'Calsync Integration',
      email: `calsync-integration@${this.host}.example`,
      timeZone: defaultTimeZone,
    }).id;
  }

  /** Internal ids: one sequence for all entities and records, as numeric strings. */
  allocateId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  addEntity(type: EntityType, input: { name: string; email: string; timeZone?: string }): Entity {
    const entity: Entity = {
      id: this.allocateId(),
      type,
      name: input.name,
      email: input.email,
      timeZone: input.timeZone,
    };
    this.entities.set(entity.id, entity);
    return entity;
  }

  /** NetSuite stamps modification times to the second: two edits within a second share a stamp. */
  stamp(): string {
    const seconds = Math.max(Math.floor(this.now() / 1000), this.lastStamp);
    this.lastStamp = seconds;
    return DateTime.fromSeconds(seconds, { zone: 'utc' }).toISO({ suppressMilliseconds: true })!;
  }

  findByExternalId(externalId: string): StoredEvent | undefined {
    for (const event of this.events.values()) if (event.externalId === externalId) return event;
    return undefined;
  }

  /** Resolves a REST record key: an internal id or eid:<externalId>. */
  findByKey(key: string): StoredEvent | undefined {
    return key.startsWith('eid:') ? this.findByExternalId(key.slice(4)) : this.events.get(key);
  }
}

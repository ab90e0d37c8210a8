import {
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  type NetSuitePushBody,
  signPush,
} from '../../providers/netsuite/push-signature';
import { type ChangeRecord } from './account';

export interface PushConfig {
  url: string;
  secret: string;
}

export interface PushDelivery {
  body: NetSuitePushBody;
  /** HTTP status, or 0 when the POST failed without an answer. */
  status: number;
  error?: string;
}

/**
 * What the shipped User Event script does after submit: skip the integration's own writes
 * (REST web services, RESTlet), otherwise POST {type, id, lastModified} signed with the tenant secret.
 */
export function createPusher(now: () => number) {
  let config: PushConfig | undefined;
  const deliveries: PushDelivery[] = [];
  const pending = new Set<Promise<void>>();

  const deliver = async (body: NetSuitePushBody): Promise<void> => {
    if (!config) return;
    const raw = JSON.stringify(body);
    const ts = Math.floor(now() / 1000);
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [PUSH_TIMESTAMP_HEADER]: String(ts),
          [PUSH_SIGNATURE_HEADER]: signPush(config.secret, ts, raw),
        },
        body: raw,
      });
      deliveries.push({ body, status: response.status });
    } catch (error) {
      deliveries.push({ body, status: 0, error: error instanceof Error ? error.message : String(error) });
    }
  };

  return {
    configure(next: PushConfig | undefined) {
      config = next;
    },
    onChange(change: ChangeRecord) {
      if (!config || change.context !== 'USER_INTERFACE') return;
      const body: NetSuitePushBody = { type: change.type, id: change.event.id };
      if (change.type !== 'delete') body.lastModified = change.event.lastModifiedDate;
      const delivery = deliver(body).finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    deliveries: deliveries as readonly PushDelivery[],
    /** Resolves once every push sent so far has been answered. */
    async flush() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}

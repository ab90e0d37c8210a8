import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/** A Temporal client for the API and tools (the worker uses a NativeConnection). */
export async function connectClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>): Promise<Client> {
  if (!config.TEMPORAL_ADDRESS) throw new Error('TEMPORAL_ADDRESS is not set (the supervisor sets it when it starts the dev server)');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

// The API process: `node dist/api/main.js` (started by `npm start`, or on its own in production).
import { Client, Connection } from '@temporalio/client';
import { createDataConverter } from '../codec/data-converter';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createPool, migrateToLatest } from '../store/db';
import { apiDepsFromConfig } from './config-deps';
import { buildApi } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'calsync-api');
  if (!config.DATABASE_URL) throw new Error('the API needs DATABASE_URL');
  const pool = createPool(config.DATABASE_URL);
  // The supervisor migrates before it starts us; a standalone API must not serve an older schema.
  await migrateToLatest(pool);
  if (!config.TEMPORAL_ADDRESS) throw new Error('the API needs TEMPORAL_ADDRESS');
  // Same data converter as the workers: what the API sends (start input, signals) is encrypted and
  // what it reads (status) is decrypted.
  const temporal = new Client({
    connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(config.CALSYNC_CODEC_KEYS),
  });
  const deps = apiDepsFromConfig(config, { temporal, pool, logger });
  if (!deps.secretBox) logger.warn('CALSYNC_SECRETS_KEYS is not set: tenant connections cannot be managed');
  const app = await buildApi(deps);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const shutdown = () => {
    // close() stops accepting connections and lets requests in flight finish.
    app
      .close()
      .then(() => Promise.all([pool.end(), temporal.connection.close()]))
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: Error) => {
  process.stderr.write(`calsync api: ${err.message}\n`);
  process.exit(1);
});

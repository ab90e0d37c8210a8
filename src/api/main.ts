// The API process: `node dist/api/main.js` (started by `npm start`, or on its own in production).
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createPool } from '../store/db';
import { UserStore } from '../store/users';
import { connectClient } from '../temporal-connection';
import { buildApi } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'calsync-api');
  if (!config.DATABASE_URL) throw new Error('the API needs DATABASE_URL');
  const pool = createPool(config.DATABASE_URL);
  const temporal = await connectClient(config);
  const app = await buildApi({
    temporal,
    pool,
    users: new UserStore(pool),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    syncSettings: { pollIntervalMs: config.SYNC_POLL_INTERVAL_MS, maxHistoryEvents: 2000 },
    logger,
  });
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

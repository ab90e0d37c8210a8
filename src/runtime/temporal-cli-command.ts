// `npm run temporal:cli`: resolves (building if needed) the Temporal CLI and prints its path.
import path from 'node:path';
import { resolveTemporal } from './temporal-cli';

resolveTemporal({ env: { ...process.env, TEMPORAL_ADDRESS: undefined }, projectDir: path.resolve(__dirname, '../..') })
  .then((target) => {
    process.stdout.write(`${target.kind === 'cli' ? target.path : target.address}\n`);
  })
  .catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });

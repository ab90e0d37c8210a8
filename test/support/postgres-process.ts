// Runs one embedded PostgreSQL (src/runtime/embedded-postgres.ts) in a process of its own:
//   node --import tsx test/support/postgres-process.ts <data dir> <port>
// prints `ready <url>` once it accepts connections, and stops it on SIGTERM or when its standard
// input closes (the test that started it ended). Test files cannot load the `embedded-postgres`
// package themselves: it is an ES module, which Jest's module loader does not load on Node 20.
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: postgres-process.ts <data dir> <port>');
  const pg = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= pg.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`${err.stack ?? err.message}\n`);
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(`ready ${pg.url}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});

// `npm test`: prepares what the whole test process tree needs before Jest starts (the emulators'
// TLS certificate must be trusted through NODE_EXTRA_CA_CERTS, which Node reads only at start-up),
// then runs Jest with any extra arguments.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDevCertificate } from '../src/emulators/dev-certificate';

async function main(): Promise<number> {
  const projectDir = path.resolve(__dirname, '..');
  const cert = await ensureDevCertificate(path.join(projectDir, '.data'));
  const args = process.argv.slice(2);
  const chaos = args.includes('--chaos');
  const jestArgs = args.filter((a) => a !== '--chaos');
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: cert.certPath, ...(chaos ? { CALSYNC_CHAOS: 'long' } : {}) };
  const jest = require.resolve('jest/bin/jest');
  // `--chaos` alone runs the convergence profiles; with test paths (a failure's replay line) just those.
  const namesTests = jestArgs.some((a) => a.startsWith('test/') || a.endsWith('.ts'));
  const child = spawn(process.execPath, [jest, ...(chaos && !namesTests ? ['test/convergence'] : []), ...jestArgs], {
    stdio: 'inherit',
    env,
    cwd: projectDir,
  });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  }
);

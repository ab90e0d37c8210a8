import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

/**
 * A self-signed certificate for the emulators' HTTPS listeners (the Graph SDK only sends bearer
 * tokens to https hosts). It is made once under the data dir and reused; processes that call the
 * emulators trust it through NODE_EXTRA_CA_CERTS, which Node reads only at process start.
 */
export interface DevCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export async function ensureDevCertificate(dataDir: string): Promise<DevCertificate> {
  const dir = path.resolve(dataDir, 'certs');
  const certPath = path.join(dir, 'emulators-cert.pem');
  const keyPath = path.join(dir, 'emulators-key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
    const pems = await generate([{ name: 'commonName', value: 'calsync-emulators' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client } from 'pg';
import { allSearchAttributes } from '../../src/workflows/search-attributes';
import { onPath, projectDir } from './support';

/**
 * The shell jobs docker-compose.yml runs before calsync starts, run here against the integration
 * stack: the namespace job with the real `temporal` CLI against the dev server, and the PostgreSQL
 * init job with the real psql against the test PostgreSQL. (The Temporal schema job needs
 * temporal-sql-tool, which only the admin-tools image has.)
 */

function temporalCli(): string | undefined {
  const candidates = [
    process.env.CALSYNC_TEST_TEMPORAL_CLI,
    process.env.TEMPORAL_CLI_PATH,
    onPath('temporal'),
    path.join(projectDir, '.temporal', 'bin', 'temporal'),
  ];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

const sh = (script: string, env: NodeJS.ProcessEnv) =>
  spawnSync('sh', [script], { cwd: projectDir, env, encoding: 'utf8', timeout: 120_000 });

const cli = temporalCli();
if (!cli) process.stderr.write('SKIPPED the namespace job test: no temporal CLI found\n');
const describeWithCli = cli ? describe : describe.skip;

describeWithCli('deploy/temporal/create-namespace.sh (compose job temporal-namespace)', () => {
  const namespace = `calsync-deploy-${randomBytes(4).toString('hex')}`;
  const env = () => ({
    PATH: `${path.dirname(cli!)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_NAMESPACE_RETENTION: '3d',
    TEMPORAL_WAIT_ATTEMPTS: '5',
  });

  it('creates the namespace and registers calsync search attributes, and changes nothing when run again', async () => {
    const first = sh('deploy/temporal/create-namespace.sh', env());
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain(`namespace ${namespace} created (retention 3d)`);
    for (const key of allSearchAttributes)
      expect(first.stdout).toContain(`search attribute ${key.name} (Keyword) created`);

    const again = sh('deploy/temporal/create-namespace.sh', env());
    expect([again.status, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toContain(`namespace ${namespace} exists`);
    for (const key of allSearchAttributes) expect(again.stdout).toContain(`search attribute ${key.name} exists`);

    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      for (const key of allSearchAttributes) {
        expect([key.name, customAttributes?.[key.name]]).toEqual([
          key.name,
          temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]);
      }
      const described = await connection.workflowService.describeNamespace({ namespace });
      expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 24 * 3600);
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('gives up with a message when Temporal does not answer', () => {
    const result = sh('deploy/temporal/create-namespace.sh', {
      ...env(),
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      TEMPORAL_WAIT_ATTEMPTS: '1',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Temporal at 127.0.0.1:1 did not become healthy after 1 attempts');
  }, 60_000);
});

const psql = onPath('psql') && onPath('pg_isready');
if (!psql)
  process.stderr.write(
    'SKIPPED the postgres-init job test: psql or pg_isready is not installed (Debian: postgresql-client)\n'
  );
const describeWithPsql = psql ? describe : describe.skip;

describeWithPsql('deploy/postgres/init-databases.sh (compose job postgres-init)', () => {
  const suffix = randomBytes(4).toString('hex');
  const names = {
    TEMPORAL_DB_USER: `dep_${suffix}_temporal`,
    TEMPORAL_DB_NAME: `dep_${suffix}_temporal`,
    TEMPORAL_VISIBILITY_DB_NAME: `dep_${suffix}_visibility`,
    CALSYNC_DB_USER: `dep_${suffix}_calsync`,
    CALSYNC_DB_NAME: `dep_${suffix}_calsync`,
  };
  const admin = new URL(process.env.DATABASE_URL ?? 'postgres://missing');
  const superuserEnv = {
    PATH: process.env.PATH ?? '',
    PGHOST: admin.hostname,
    PGPORT: admin.port || '5432',
    PGUSER: decodeURIComponent(admin.username),
    PGPASSWORD: decodeURIComponent(admin.password),
    ...names,
  };
  // Quotes and spaces: the script must quote passwords, not splice them into SQL.
  const passwords = { temporal: `te'mp "pw" ${suffix}`, calsync: `cal;sync'${suffix}`, rotated: `rotated${suffix}` };

  const connectAs = async (user: string, password: string, database: string) => {
    const client = new Client({ host: admin.hostname, port: Number(admin.port || 5432), user, password, database });
    await client.connect();
    try {
      const { rows } = await client.query<{ who: string }>('SELECT current_user AS who');
      return rows[0]!.who;
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const db of [names.TEMPORAL_DB_NAME, names.TEMPORAL_VISIBILITY_DB_NAME, names.CALSYNC_DB_NAME]) {
        await client.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      }
      for (const role of [names.TEMPORAL_DB_USER, names.CALSYNC_DB_USER])
        await client.query(`DROP ROLE IF EXISTS "${role}"`);
    } finally {
      await client.end();
    }
  });

  it('creates a role and databases per service, each role reaching only its own databases', async () => {
    const env = { ...superuserEnv, TEMPORAL_DB_PASSWORD: passwords.temporal, CALSYNC_DB_PASSWORD: passwords.calsync };
    const first = sh('deploy/postgres/init-databases.sh', env);
    expect([first.status, first.stderr]).toEqual([0, '']);
    const again = sh('deploy/postgres/init-databases.sh', env);
    expect([again.status, again.stderr]).toEqual([0, '']);

    expect(await connectAs(names.TEMPORAL_DB_USER, passwords.temporal, names.TEMPORAL_DB_NAME)).toBe(
      names.TEMPORAL_DB_USER
    );
    expect(await connectAs(names.TEMPORAL_DB_USER, passwords.temporal, names.TEMPORAL_VISIBILITY_DB_NAME)).toBe(
      names.TEMPORAL_DB_USER
    );
    expect(await connectAs(names.CALSYNC_DB_USER, passwords.calsync, names.CALSYNC_DB_NAME)).toBe(
      names.CALSYNC_DB_USER
    );
    await expect(connectAs(names.CALSYNC_DB_USER, passwords.calsync, names.TEMPORAL_DB_NAME)).rejects.toThrow(
      /permission denied/
    );
    await expect(connectAs(names.TEMPORAL_DB_USER, passwords.temporal, names.CALSYNC_DB_NAME)).rejects.toThrow(
      /permission denied/
    );

    // The owner may create tables and the trusted extension Temporal's visibility schema needs.
    const owner = new Client({
      host: admin.hostname,
      port: Number(admin.port || 5432),
      user: names.TEMPORAL_DB_USER,
      password: passwords.temporal,
      database: names.TEMPORAL_VISIBILITY_DB_NAME,
    });
    await owner.connect();
    try {
      await owner.query('CREATE EXTENSION IF NOT EXISTS btree_gin');
      await owner.query('CREATE TABLE t (id int)');
    } finally {
      await owner.end();
    }
  }, 120_000);

  it('re-applies the passwords on every run, which is how a password is rotated', async () => {
    const env = { ...superuserEnv, TEMPORAL_DB_PASSWORD: passwords.temporal, CALSYNC_DB_PASSWORD: passwords.rotated };
    const result = sh('deploy/postgres/init-databases.sh', env);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(await connectAs(names.CALSYNC_DB_USER, passwords.rotated, names.CALSYNC_DB_NAME)).toBe(
      names.CALSYNC_DB_USER
    );
    await expect(connectAs(names.CALSYNC_DB_USER, passwords.calsync, names.CALSYNC_DB_NAME)).rejects.toThrow(
      /password authentication failed/
    );
  }, 60_000);

  it('refuses to run without the passwords', () => {
    const result = sh('deploy/postgres/init-databases.sh', {
      ...superuserEnv,
      TEMPORAL_DB_PASSWORD: '',
      CALSYNC_DB_PASSWORD: 'x',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set TEMPORAL_DB_PASSWORD in .env');
  });
});

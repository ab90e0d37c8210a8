// `npm run bench`: propagation latency, calls and resources of calsync against the emulators with
// latency, beside a baseline that does the minimum I/O per change; then idle cost at scale.
// Flags: --users 200 --rate 20 (or --rates 5,10,20) --duration 300 (s per rate) --latency 80 (ms)
//        --poll-ms 1000 --idle-users 1000,2000 --idle-seconds 120 --skip-idle --out BENCHMARKS.md
//        --cpu-prof DIR (V8 CPU profiles of the bench with its emulators, the worker and the API)
//        WORKER_MAX_CACHED_WORKFLOWS in the environment sizes the worker's workflow cache
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { ensureDevCertificate } from '../src/emulators/dev-certificate';
import { coresBetween, cpuByRole } from './cpu-by-role';
import { type BenchStack, type BenchUser, processStats, startBenchStack } from './stack';
import { type Direction, DIRECTIONS, percentile, writeReport, type Report, type StepResult } from './report';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const has = (name: string) => args.includes(`--${name}`);

const opts = {
  users: Number(flag('users', '200')),
  rates: flag('rates', flag('rate', '20')).split(',').map(Number),
  durationS: Number(flag('duration', '300')),
  latencyMs: Number(flag('latency', '80')),
  /** Autotask's threads per endpoint (its documented limit is 3; more shows what else limits). */
  autotaskThreads: Number(flag('autotask-threads', '3')),
  pollMs: Number(flag('poll-ms', '1000')),
  /** Graph subscriptions and the NetSuite push, as in production; `--no-push` polls only. */
  push: !has('no-push'),
  /** The users' fallback poll while their Graph subscription is live. */
  subscribedPollMs: Number(flag('subscribed-poll-ms', '60000')),
  itemsPerUser: Number(flag('items', '3')),
  idleUsers: has('skip-idle') ? [] : flag('idle-users', '10000').split(',').map(Number),
  idleSeconds: Number(flag('idle-seconds', '120')),
  /** How long new idle users' first pulls may take before the idle measurement starts anyway. */
  idleFirstPullLimitS: Number(flag('idle-first-pull-limit', '1800')),
  idlePollMs: Number(flag('idle-poll-ms', '15000')),
  /** Idle users' fallback poll while subscribed (production default SYNC_SUBSCRIBED_POLL_INTERVAL_MS). */
  idleSubscribedPollMs: Number(flag('idle-subscribed-poll-ms', '300000')),
  probeKinds: ['outlook', 'netsuite', 'autotask'] as ('outlook' | 'netsuite' | 'autotask')[],
  /** The worker's cache (the environment's WORKER_MAX_CACHED_WORKFLOWS reaches the worker): reported. */
  workerMaxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 1000),
  out: flag('out', path.resolve(__dirname, '..', 'BENCHMARKS.md')),
  /** V8 CPU profiles of the bench (with the emulators), the worker and the API, written on exit. */
  cpuProfileDir: has('cpu-prof') ? path.resolve(flag('cpu-prof', 'bench-profiles')) : undefined,
};

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Item {
  user: BenchUser;
  tag: string;
  ids: { outlook: string; netsuite?: string; autotask?: string };
  busy: boolean;
  version: number;
}

interface Pending {
  direction: Direction;
  at: number;
  check: () => boolean;
  baseline?: boolean;
  /** What the change was and what each side holds now: logged when it is not seen in time. */
  describe?: () => string;
}

function providerCounts(stack: BenchStack) {
  return {
    graph: stack.graph.requestLog.length,
    netsuite: stack.netsuite.requestLog.length,
    autotask: stack.autotask.requestLog.entries().length,
  };
}

async function historyTotals(
  stack: BenchStack
): Promise<{ events: number; workflowTasks: number; executions: number }> {
  let events = 0;
  let workflowTasks = 0;
  let executions = 0;
  for await (const wf of stack.client.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) {
    executions++;
    const history = await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    for (const e of history.events ?? []) {
      events++;
      if (e.workflowTaskCompletedEventAttributes) workflowTasks++;
    }
  }
  return { events, workflowTasks, executions };
}

/** Transactions PostgreSQL has committed or rolled back in calsync's database so far (every query outside one counts). */
async function databaseTransactions(stack: BenchStack): Promise<number> {
  const { rows } = await stack.pool.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()'
  );
  return Number(rows[0]?.n ?? NaN);
}

async function waitForApi(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`the API at ${url} did not become ready`);
}

async function main(): Promise<void> {
  const stack = await startBenchStack({
    latencyMs: opts.latencyMs,
    log,
    push: opts.push,
    autotaskThreads: opts.autotaskThreads,
    ...(opts.cpuProfileDir ? { cpuProfileDir: opts.cpuProfileDir } : {}),
  });
  // The API first: creating a Graph subscription validates its webhook URL.
  const api = stack.startApi();
  await waitForApi(stack.apiUrl);
  const worker = stack.startWorker();
  const rssSamples: { worker: number[]; api: number[] } = { worker: [], api: [] };
  const sampler = setInterval(() => {
    const w = processStats(worker.pid);
    const a = processStats(api.pid);
    if (w) rssSamples.worker.push(w.rss);
    if (a) rssSamples.api.push(a.rss);
  }, 1000);
  const report: Report = {
    options: opts,
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memoryGiB: totalmem() / 2 ** 30,
      node: process.version,
      loadAverage: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    },
    steps: [],
    notes: [],
  };
  try {
    const rolePids = { worker: worker.pid, api: api.pid, temporal: stack.temporalPid };
    await loadPhase(stack, report, worker.pid, () => cpuByRole(rolePids));
    report.rss = {
      workerMaxMiB: Math.max(0, ...rssSamples.worker) / 2 ** 20,
      apiMaxMiB: Math.max(0, ...rssSamples.api) / 2 ** 20,
    };
    for (const n of opts.idleUsers) await idlePhase(stack, report, worker.pid, n, () => cpuByRole(rolePids));
  } finally {
    clearInterval(sampler);
    writeReport(opts.out, report);
    log(`report written to ${opts.out}`);
    await stack.close();
  }
}

async function loadPhase(
  stack: BenchStack,
  report: Report,
  workerPid: number | undefined,
  roles: () => ReturnType<typeof cpuByRole>
): Promise<void> {
  const { graph, netsuite, autotask } = stack;
  const BASE = Date.now() + 3 * 86_400_000;
  let slot = 0;
  const nextTimes = () => {
    const start = Math.floor(BASE / 3_600_000) * 3_600_000 + (slot++ % 4000) * 15 * 60_000;
    return {
      start: new Date(start).toISOString().slice(0, 19),
      end: new Date(start + 10 * 60_000).toISOString().slice(0, 19),
    };
  };
  // People and their first events, before sync starts (the first pull links them).
  const users: BenchUser[] = [];
  const items: Item[] = [];
  for (let u = 0; u < opts.users; u++) {
    const user = stack.addPerson('load');
    users.push(user);
    await stack.register(user);
    for (let k = 0; k < opts.itemsPerUser; k++) {
      const tag = `b${u}x${k}`;
      const e = graph.userSide.createEvent(user.mailbox, { subject: `${tag} v0`, ...nextTimes(), timeZone: 'UTC' });
      items.push({ user, tag, ids: { outlook: e.id }, busy: false, version: 0 });
    }
  }
  log(`${users.length} users with ${items.length} events; starting their sync (poll ${opts.pollMs} ms)`);
  const startAt = Date.now();
  for (let i = 0; i < users.length; i += 20) {
    await Promise.all(
      users.slice(i, i + 20).map((u) => stack.startSync(u, opts.pollMs, opts.pollMs, opts.subscribedPollMs))
    );
  }
  // Wait until every event is linked on both other sides.
  const byTag = new Map(items.map((i) => [i.tag, i]));
  for (;;) {
    for (const e of netsuite.listEvents()) {
      const item = byTag.get(e.title.split(' ')[0] ?? '');
      if (item) item.ids.netsuite = e.id;
    }
    for (const a of autotask.userSide.list('Appointments')) {
      const item = byTag.get(String(a.title).split(' ')[0] ?? '');
      if (item) item.ids.autotask = String(a.id);
    }
    const linked = items.filter((i) => i.ids.netsuite && i.ids.autotask).length;
    if (linked === items.length) break;
    if (Date.now() - startAt > 600_000)
      throw new Error(`only ${linked}/${items.length} events linked after 10 minutes`);
    await sleep(1000);
  }
  report.initialLinkSeconds = (Date.now() - startAt) / 1000;
  log(`all ${items.length} events linked in ${report.initialLinkSeconds.toFixed(1)} s`);

  // Baseline: a person nobody syncs, with records on all sides, kept in step by a direct script.
  const connectors = await stack.connectors();
  const basePerson = stack.addPerson('base');
  const baseItems: { ids: Required<Item['ids']>; busy: boolean; version: number }[] = [];
  for (let k = 0; k < 20; k++) {
    const t = nextTimes();
    const e = graph.userSide.createEvent(basePerson.mailbox, { subject: `base${k} v0`, ...t, timeZone: 'UTC' });
    const ns = netsuite.userSide.createEvent(basePerson.employeeId, {
      title: `base${k} v0`,
      date: t.start.slice(0, 10),
      startTime: '09:00',
      endTime: '09:10',
      timezone: 'UTC',
    });
    const at = autotask.userSide.createAppointment({
      resourceID: basePerson.resourceId,
      title: `base${k} v0`,
      startDateTime: `${t.start}Z`,
      endDateTime: `${t.end}Z`,
    });
    baseItems.push({ ids: { outlook: e.id, netsuite: ns.id, autotask: String(at.id) }, busy: false, version: 0 });
  }
  let baselineCalls = 0;
  const baselineChange = async (direction: Direction, item: (typeof baseItems)[number], title: string) => {
    // The minimum: one read of the changed record, one write of the other side.
    const { graph: g, netsuite: n, autotask: a } = connectors;
    if (direction === 'outlook→netsuite' || direction === 'outlook→autotask') {
      const read = await g!.getEvent(basePerson.mailbox, item.ids.outlook);
      const subject = (read as { event?: { subject?: string } }).event?.subject ?? title;
      if (direction === 'outlook→netsuite') await n!.updateCalendarEvent(item.ids.netsuite, { title: subject });
      else await a.updateAppointment({ id: Number(item.ids.autotask), title: subject });
    } else if (direction === 'netsuite→outlook') {
      const read = await n!.getCalendarEvent(item.ids.netsuite);
      await g!.updateEvent(basePerson.mailbox, item.ids.outlook, { subject: read?.title ?? title });
    } else {
      const read = await a.getAppointment(Number(item.ids.autotask));
      await g!.updateEvent(basePerson.mailbox, item.ids.outlook, { subject: read?.title ?? title });
    }
    baselineCalls += 2;
  };

  // Quiet period: what polling alone costs.
  await sleep(5000);
  const quietS = 20;
  const q0 = {
    calls: providerCounts(stack),
    history: await historyTotals(stack),
    cpu: processStats(workerPid)?.cpuSeconds ?? 0,
    roles: roles(),
  };
  await sleep(quietS * 1000);
  const q1 = {
    calls: providerCounts(stack),
    history: await historyTotals(stack),
    cpu: processStats(workerPid)?.cpuSeconds ?? 0,
    roles: roles(),
  };
  report.quiet = {
    seconds: (quietS * 1000 + 0) / 1000,
    callsPerSecond: {
      graph: (q1.calls.graph - q0.calls.graph) / quietS,
      netsuite: (q1.calls.netsuite - q0.calls.netsuite) / quietS,
      autotask: (q1.calls.autotask - q0.calls.autotask) / quietS,
    },
    historyEventsPerSecond: (q1.history.events - q0.history.events) / quietS,
    workflowTasksPerSecond: (q1.history.workflowTasks - q0.history.workflowTasks) / quietS,
    workerCpuShare: (q1.cpu - q0.cpu) / quietS,
    coresByRole: coresBetween(q0.roles, q1.roles, quietS),
  };
  log(`quiet: ${JSON.stringify(report.quiet)}`);

  // The load: edits on all sides (and some new Outlook events), at each rate in turn.
  let created = 0;
  for (const rate of opts.rates) {
    const pending = new Set<Pending>();
    const latencies: Record<string, number[]> = {};
    const baseLatencies: Record<string, number[]> = {};
    let made = 0;
    const c0 = providerCounts(stack);
    const h0 = await historyTotals(stack);
    const cpu0 = processStats(workerPid)?.cpuSeconds ?? 0;
    const roles0 = roles();
    const tx0 = await databaseTransactions(stack);
    const b0 = baselineCalls;
    const stepStart = Date.now();
    const scanner = setInterval(() => {
      const now = Date.now();
      for (const p of pending) {
        if (p.check()) {
          pending.delete(p);
          ((p.baseline ? baseLatencies : latencies)[p.direction] ??= []).push(now - p.at);
        }
      }
    }, 25);
    // The checks run every 25 ms on the cores the stack shares: each reads one record, or finds one
    // by title without copying the others (copying every event 40 times a second took CPU from
    // the stack being measured).
    const nsTitle = (id: string) => netsuite.getEvent(id)?.title;
    const makeChange = () => {
      made++;
      const r = Math.random();
      if (r < 0.1) {
        // A new Outlook event: it must appear in NetSuite and Autotask.
        const u = users[Math.floor(Math.random() * users.length)]!;
        const tag = `n${created++}`;
        graph.userSide.createEvent(u.mailbox, { subject: `${tag} v0`, ...nextTimes(), timeZone: 'UTC' });
        const at = Date.now();
        pending.add({
          direction: 'outlook→netsuite',
          at,
          check: () => !!netsuite.findEvent((e) => e.title === `${tag} v0`),
        });
        pending.add({
          direction: 'outlook→autotask',
          at,
          check: () => !!autotask.userSide.find('Appointments', (a) => a.title === `${tag} v0`),
        });
        return;
      }
      const free = items.filter((i) => !i.busy);
      const item = free[Math.floor(Math.random() * free.length)];
      if (!item) return;
      item.busy = true;
      item.version += 1;
      const title = `${item.tag} v${item.version}`;
      const at = Date.now();
      const done = (p: Pending) => {
        const original = p.check;
        p.check = () => {
          const ok = original();
          return ok;
        };
        pending.add(p);
      };
      let open = 0;
      const release = () => {
        open -= 1;
        if (open === 0) item.busy = false;
      };
      const track = (direction: Direction, check: () => boolean) => {
        open += 1;
        done({
          direction,
          at,
          describe: () =>
            `${direction} "${title}" (user ${item.user.userId}): Outlook "${graph.userSide.subjectOf(item.user.mailbox, item.ids.outlook)}", ` +
            `NetSuite "${nsTitle(item.ids.netsuite!)}", Autotask "${String(autotask.userSide.get('Appointments', Number(item.ids.autotask))?.title)}"`,
          check: () => {
            const ok = check();
            if (ok) release();
            return ok;
          },
        });
      };
      if (r < 0.5) {
        graph.userSide.updateEvent(item.user.mailbox, item.ids.outlook, { subject: title });
        track('outlook→netsuite', () => nsTitle(item.ids.netsuite!) === title);
        track(
          'outlook→autotask',
          () => autotask.userSide.get('Appointments', Number(item.ids.autotask))?.title === title
        );
      } else if (r < 0.75) {
        netsuite.userSide.editEvent(item.user.employeeId, item.ids.netsuite!, { title });
        track('netsuite→outlook', () => graph.userSide.subjectOf(item.user.mailbox, item.ids.outlook) === title);
      } else {
        autotask.userSide.updateAppointment(Number(item.ids.autotask), { title });
        track('autotask→outlook', () => graph.userSide.subjectOf(item.user.mailbox, item.ids.outlook) === title);
      }
    };
    // The baseline at one change a second, in the same process and on the same machine.
    const baseTimer = setInterval(() => {
      const item = baseItems.find((i) => !i.busy);
      if (!item) return;
      item.busy = true;
      item.version += 1;
      const direction = DIRECTIONS[item.version % DIRECTIONS.length]!;
      const title = `base v${item.version}`;
      if (direction.startsWith('outlook'))
        graph.userSide.updateEvent(basePerson.mailbox, item.ids.outlook, { subject: title });
      else if (direction.startsWith('netsuite'))
        netsuite.userSide.editEvent(basePerson.employeeId, item.ids.netsuite, { title });
      else autotask.userSide.updateAppointment(Number(item.ids.autotask), { title });
      const at = Date.now();
      void baselineChange(direction, item, title)
        .then(() => (baseLatencies[direction] ??= []).push(Date.now() - at))
        .catch((err: Error) => log(`baseline: ${err.message}`))
        .finally(() => (item.busy = false));
    }, 1000);
    log(`load at ${rate} changes/s for ${opts.durationS} s`);
    const interval = 1000 / rate;
    const end = stepStart + opts.durationS * 1000;
    for (let next = stepStart; next < end; next += interval) {
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      makeChange();
    }
    clearInterval(baseTimer);
    const drainDeadline = Date.now() + 60_000;
    while (pending.size > 0 && Date.now() < drainDeadline) await sleep(200);
    const lost = pending.size;
    for (const p of pending)
      log(`not seen ${((Date.now() - p.at) / 1000).toFixed(0)} s after it was made: ${p.describe?.() ?? p.direction}`);
    clearInterval(scanner);
    const elapsed = (Date.now() - stepStart) / 1000;
    const c1 = providerCounts(stack);
    const h1 = await historyTotals(stack);
    const cpu1 = processStats(workerPid)?.cpuSeconds ?? 0;
    const roles1 = roles();
    const tx1 = await databaseTransactions(stack);
    const propagated = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    const quiet = report.quiet;
    const step: StepResult = {
      rate,
      changes: made,
      propagated,
      lost,
      seconds: elapsed,
      latency: Object.fromEntries(
        DIRECTIONS.map((d) => [
          d,
          {
            n: latencies[d]?.length ?? 0,
            p50: percentile(latencies[d], 50),
            p95: percentile(latencies[d], 95),
            p99: percentile(latencies[d], 99),
          },
        ])
      ) as StepResult['latency'],
      baseline: Object.fromEntries(
        DIRECTIONS.map((d) => [
          d,
          {
            n: baseLatencies[d]?.length ?? 0,
            p50: percentile(baseLatencies[d], 50),
            p95: percentile(baseLatencies[d], 95),
            p99: percentile(baseLatencies[d], 99),
          },
        ])
      ) as StepResult['baseline'],
      calls: {
        graph: c1.graph - c0.graph,
        netsuite: c1.netsuite - c0.netsuite,
        autotask: c1.autotask - c0.autotask,
      },
      pollingCalls: {
        graph: quiet.callsPerSecond.graph * elapsed,
        netsuite: quiet.callsPerSecond.netsuite * elapsed,
        autotask: quiet.callsPerSecond.autotask * elapsed,
      },
      baselineCalls: baselineCalls - b0,
      baselineChanges: (baselineCalls - b0) / 2,
      historyEvents: h1.events - h0.events,
      workflowTasks: h1.workflowTasks - h0.workflowTasks,
      workerCpuShare: (cpu1 - cpu0) / elapsed,
      coresByRole: coresBetween(roles0, roles1, elapsed),
      databaseTransactions: tx1 - tx0,
    };
    report.steps.push(step);
    log(`step ${rate}/s: ${JSON.stringify(step.latency)} lost ${lost}`);
  }

  // Single-change probes: on a quiet system, what one change costs in calls, beyond polling.
  report.probes = [];
  if (has('skip-probes')) opts.probeKinds = [];
  const probeUser = users[0]!;
  for (const kind of opts.probeKinds) {
    for (let rep = 0; rep < 3; rep++) {
      await sleep(3000);
      const item = items.find((i) => i.user === probeUser && !i.busy)!;
      item.version += 1;
      const title = `${item.tag} v${item.version}`;
      const windowMs = 8000;
      const g0 = graph.requestLog.filter((r) => r.mailbox === probeUser.mailbox.toLowerCase()).length;
      const n0 = netsuite.requestLog.length;
      const a0 = autotask.requestLog.entries().length;
      if (kind === 'outlook') graph.userSide.updateEvent(probeUser.mailbox, item.ids.outlook, { subject: title });
      else if (kind === 'netsuite') netsuite.userSide.editEvent(probeUser.employeeId, item.ids.netsuite!, { title });
      else autotask.userSide.updateAppointment(Number(item.ids.autotask), { title });
      await sleep(windowMs);
      // Which calls the change cost (ids and e-mail addresses folded), for "where the calls go".
      const shape = (method: string, url: string) =>
        `${method} ${url
          .split('?')[0]!
          .replace(/\/users\/[^/]+/, '/users/:me')
          .replace(/\/[0-9A-Za-z_=-]{12,}|\/\d+/g, '/:id')}`;
      log(
        `probe ${kind}: ` +
          JSON.stringify({
            graph: graph.requestLog
              .filter((r) => r.mailbox === probeUser.mailbox.toLowerCase())
              .slice(g0)
              .map((r) => shape(r.method, r.url)),
            netsuite: netsuite.requestLog.slice(n0).map((r) => shape(r.method, r.url)),
            autotask: autotask.requestLog
              .entries()
              .slice(a0)
              .map((r) => `${r.method} ${r.entity ?? ''} ${r.action ?? ''}`),
          })
      );
      const q = report.quiet;
      report.probes.push({
        kind,
        graph:
          graph.requestLog.filter((r) => r.mailbox === probeUser.mailbox.toLowerCase()).length -
          g0 -
          (windowMs / 1000) * (q.callsPerSecond.graph / opts.users),
        netsuite: netsuite.requestLog.length - n0 - (windowMs / 1000) * q.callsPerSecond.netsuite,
        // The tenant poller's queries run whatever happens; a single-event change makes no Autotask
        // query (only a create looks one up), so the change's own calls are the others.
        autotask: autotask.requestLog
          .entries()
          .slice(a0)
          .filter((r) => r.action !== 'query').length,
      });
    }
  }
  log(`probes: ${JSON.stringify(report.probes)}`);

  // Database size per 1,000 linked items.
  const { rows } = await stack.pool.query<{ items: string; tables: string; db: string; audit: string }>(
    `SELECT (SELECT count(*) FROM items) AS items,
            pg_total_relation_size('items') + pg_total_relation_size('item_records') + pg_total_relation_size('audit') AS tables,
            pg_total_relation_size('audit') AS audit,
            pg_database_size(current_database()) AS db`
  );
  const r = rows[0]!;
  report.database = {
    items: Number(r.items),
    tableBytes: Number(r.tables),
    auditBytes: Number(r.audit),
    databaseBytes: Number(r.db),
  };
  const totals = await historyTotals(stack);
  report.temporalTotals = totals;
  for (const u of users) await stack.stopSync(u);
}

async function idlePhase(
  stack: BenchStack,
  report: Report,
  workerPid: number | undefined,
  n: number,
  roles: () => ReturnType<typeof cpuByRole>
): Promise<void> {
  report.idle ??= [];
  const already = report.idle.length ? report.idle[report.idle.length - 1]!.users : 0;
  log(`idle: registering users up to ${n}`);
  const fresh: BenchUser[] = [];
  for (let i = already; i < n; i++) {
    const u = stack.addPerson('idle');
    await stack.register(u);
    fresh.push(u);
  }
  const subscribedBefore = stack.graph.subscriptions.ids().length;
  const startedAt = Date.now();
  for (let i = 0; i < fresh.length; i += 50) {
    await Promise.all(
      fresh.slice(i, i + 50).map((u) => stack.startSync(u, opts.idlePollMs, opts.idlePollMs, opts.idleSubscribedPollMs))
    );
  }
  // Idle means every new user's first pull is over: each ends with the user's Graph subscription.
  // (A fixed warm-up measured thousands of first pulls still queued as "idle".)
  const deadline = Date.now() + opts.idleFirstPullLimitS * 1000;
  while (stack.graph.subscriptions.ids().length < subscribedBefore + fresh.length && Date.now() < deadline) {
    await sleep(5000);
  }
  const subscribed = stack.graph.subscriptions.ids().length - subscribedBefore;
  const firstPullsSeconds = (Date.now() - startedAt) / 1000;
  log(`idle: ${subscribed} of ${fresh.length} new users subscribed after ${firstPullsSeconds.toFixed(0)} s`);
  const warm = Math.max(30_000, opts.idlePollMs * 2);
  log(`idle: ${n} users syncing; settling ${warm / 1000} s`);
  await sleep(warm);
  const c0 = providerCounts(stack);
  const s0 = processStats(workerPid);
  const roles0 = roles();
  const t0 = Date.now();
  const rss: number[] = [];
  const end = t0 + opts.idleSeconds * 1000;
  while (Date.now() < end) {
    await sleep(2000);
    const s = processStats(workerPid);
    if (s) rss.push(s.rss);
  }
  const s1 = processStats(workerPid);
  const roles1 = roles();
  const c1 = providerCounts(stack);
  const hours = (Date.now() - t0) / 3_600_000;
  report.idle.push({
    users: n,
    firstPulls: { users: fresh.length, subscribed, seconds: firstPullsSeconds },
    seconds: (Date.now() - t0) / 1000,
    workerRssMiB: Math.max(0, ...rss) / 2 ** 20,
    workerCpuShare: s0 && s1 ? (s1.cpuSeconds - s0.cpuSeconds) / ((Date.now() - t0) / 1000) : NaN,
    coresByRole: coresBetween(roles0, roles1, (Date.now() - t0) / 1000),
    callsPerHour: {
      graph: (c1.graph - c0.graph) / hours,
      netsuite: (c1.netsuite - c0.netsuite) / hours,
      autotask: (c1.autotask - c0.autotask) / hours,
    },
  });
  log(`idle ${n}: ${JSON.stringify(report.idle[report.idle.length - 1])}`);
}

// The worker trusts the emulators' certificate through NODE_EXTRA_CA_CERTS, read at start-up only;
// so does the baseline in this process: re-run with it set.
async function entry(): Promise<void> {
  const cert = await ensureDevCertificate(path.resolve(__dirname, '..', '.data'));
  if (process.env.NODE_EXTRA_CA_CERTS !== cert.certPath) {
    const profile = opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir] : [];
    const result = spawnSync(process.execPath, [...profile, '--import', 'tsx', __filename, ...args], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certPath },
    });
    process.exit(result.status ?? 1);
  }
  await main();
}

entry().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  }
);

import { Gauge, register as defaultRegistry, type Registry } from 'prom-client';
import { autotaskBudgetScope } from './gate-keys';

export const BUDGET_METRIC_NAME = 'calsync_autotask_budget_remaining';

/** Anything that can say how many requests a scope has left (PostgresCallGate does). */
export interface BudgetSource {
  remaining(scope: string): Promise<number>;
}

export interface BudgetGaugeOptions {
  source: BudgetSource;
  /** The Autotask databases (tenants) to report, read at every scrape. */
  databaseIds: () => Iterable<string>;
  registry?: Registry;
}

/**
 * Registers `calsync_autotask_budget_remaining{database}`: requests calsync may still send to
 * each Autotask database in the current rolling hour. Read from the shared gate at scrape time.
 */
export function registerAutotaskBudgetGauge(options: BudgetGaugeOptions): Gauge<'database'> {
  const { source, databaseIds } = options;
  return new Gauge({
    name: BUDGET_METRIC_NAME,
    help: 'Autotask requests calsync may still send in the current rolling hour, per database',
    labelNames: ['database'],
    registers: [options.registry ?? defaultRegistry],
    async collect() {
      this.reset();
      for (const database of databaseIds()) {
        this.set({ database }, await source.remaining(autotaskBudgetScope(database)));
      }
    },
  });
}

import { type Link, newLink, type ReplicaKey } from '../../../src/domain/link';
import { plan } from '../../../src/domain/plan';
import { type Plan } from '../../../src/domain/plan-action';
import { type SyncPolicy } from '../../../src/domain/policy';
import { type World, writes } from './world';

/** Plans, applies, and returns the plan; the link advances as a workflow would commit it. */
export class Sync {
  link: Link;
  constructor(
    readonly world: World,
    readonly policy: SyncPolicy,
    origin: ReplicaKey,
    kind: Link['kind'] = 'event'
  ) {
    this.link = newLink('item-1', kind, origin);
  }

  round(extra: readonly ReplicaKey[] = []): Plan {
    const result = plan(this.link, this.world.observe(this.link, extra), this.policy);
    this.world.apply(result);
    this.link = result.link ?? { ...this.link, replicas: {} };
    return result;
  }

  /** Rounds until nothing is written; fails if it does not settle (a ping-pong). */
  settle(maxRounds = 4): Plan[] {
    const rounds: Plan[] = [];
    for (let i = 0; i < maxRounds; i++) {
      const r = this.round();
      rounds.push(r);
      if (writes(r).length === 0) return rounds;
    }
    throw new Error(`no convergence after ${maxRounds} rounds`);
  }
}

import { Writable } from 'node:stream';
import pino from 'pino';
import { sdkLogger } from '../../src/observability/sdk-logger';

/** A pino logger whose JSON lines are kept for the test to read. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ name: 'calsync-worker', level: 'info' }, stream), lines };
}

describe("the Temporal SDK's logs go through pino", () => {
  it('as JSON lines carrying the workflow and activity ids as fields', () => {
    const { log, lines } = capture();
    sdkLogger(log, 'info').warn('Activity failed', {
      workflowId: 'calsync/t1/user/u1',
      activityType: 'pullOutlook',
      attempt: 2,
      error: new TypeError('connect ECONNREFUSED'),
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        name: 'calsync-worker',
        msg: 'Activity failed',
        sdk: true,
        workflowId: 'calsync/t1/user/u1',
        activityType: 'pullOutlook',
        attempt: 2,
        error: { type: 'TypeError', message: 'connect ECONNREFUSED' },
      }),
    ]);
  });

  it('at our threshold: debug lines are dropped at info, kept at debug', () => {
    const quiet = capture();
    sdkLogger(quiet.log, 'info').debug('workflow task', { runId: 'r1' });
    expect(quiet.lines).toEqual([]);
    const chatty = capture();
    chatty.log.level = 'debug';
    sdkLogger(chatty.log, 'debug').debug('workflow task', { runId: 'r1' });
    expect(chatty.lines).toEqual([expect.objectContaining({ level: 20, msg: 'workflow task', runId: 'r1' })]);
  });
});

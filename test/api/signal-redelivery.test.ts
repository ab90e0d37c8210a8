import { WorkflowNotFoundError } from '@temporalio/client';
import { SignalRedelivery } from '../../src/api/signal-redelivery';

function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_obj: unknown, msg?: string) => void lines.push({ level, msg: msg ?? '' });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}
const waitFor = async (what: () => boolean, ms = 2_000) => {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('SignalRedelivery: a webhook signal that failed is tried again in the background', () => {
  it('tries until the signal lands, then stops', async () => {
    const { lines, log } = recordingLog();
    const redelivery = new SignalRedelivery(log, [5, 5, 5, 5]);
    let calls = 0;
    redelivery.schedule('wf-1', async () => {
      calls++;
      if (calls < 3) throw new Error('14 UNAVAILABLE: Connection refused');
    });
    await waitFor(() => lines.some((l) => l.msg === 'signal redelivered'));
    expect(calls).toBe(3);
    expect(lines.filter((l) => l.msg === 'signal failed again')).toHaveLength(2);
    expect(redelivery.pending).toBe(0);
  });

  it('gives up after its last delay, saying so, and stops when the workflow is gone', async () => {
    const { lines, log } = recordingLog();
    const redelivery = new SignalRedelivery(log, [5, 5]);
    let calls = 0;
    redelivery.schedule('wf-2', async () => {
      calls++;
      throw new Error('unreachable');
    });
    await waitFor(() => lines.some((l) => l.level === 'error'));
    expect(calls).toBe(2);
    expect(lines.find((l) => l.level === 'error')?.msg).toMatch(/signal dropped/);

    let gone = 0;
    redelivery.schedule('wf-3', async () => {
      gone++;
      throw new WorkflowNotFoundError('not found', 'wf-3', undefined);
    });
    await waitFor(() => gone === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(gone).toBe(1);
    expect(redelivery.pending).toBe(0);
  });

  it('drops pending attempts when closed', async () => {
    const { log } = recordingLog();
    const redelivery = new SignalRedelivery(log, [20]);
    let calls = 0;
    redelivery.schedule('wf-4', async () => void calls++);
    expect(redelivery.pending).toBe(1);
    redelivery.close();
    redelivery.schedule('wf-5', async () => void calls++);
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(0);
    expect(redelivery.pending).toBe(0);
  });
});

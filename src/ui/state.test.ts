// AppState over the app's own PlatformClient (joined to a platform host by a MessageChannel; fake
// nanoprocesses on a manual clock): what the Run button and Ctrl+Enter do while a deploy is under way.
import { describe, expect, it } from 'vitest';
import type { Compiler } from '../platform/compiler';
import { clientHostFixture } from '../platform/testing/client-host';
import { AppState } from './state.svelte';

const SUM = '(module (func (export "_start") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))';

const { wat, connect } = clientHostFixture();

function setup() {
  const compiler = { toBinary: async (source: string) => wat(source) };
  const { clock, client, fakes } = connect({ compiler });
  fakes.script = (c) => ({ result: (c.args as number[]).reduce((a, b) => a + b, 0) });
  const app = new AppState(client, compiler as unknown as Compiler);
  app.addFunction({
    name: 'sum',
    source: { kind: 'wat', text: SUM },
    config: { timeoutMs: 5000, memoryMiB: 64, instance: 'fresh' },
    run: { args: ['5', '2'] },
  });
  return { clock, client, app };
}

describe('requestRun (the Run button, Ctrl+Enter)', () => {
  it('runs once a deploy under way has finished: a press during Ctrl+S is not lost', async () => {
    const { clock, client, app } = setup();
    const deploying = app.deploy('sum');
    expect(app.busy).toBe('deploying');
    app.requestRun();
    await clock.until(deploying);
    await clock.until(
      new Promise<void>((resolve) => client.subscribe((ev) => ev.type === 'invocation' && resolve())),
    );
    const invs = client.invocations('sum');
    expect(invs).toHaveLength(1);
    expect(invs[0].result).toBe(7);
  });

  it('does nothing while a call is running', async () => {
    const { clock, client, app } = setup();
    await clock.until(app.deploy('sum'));
    const running = app.run('sum');
    expect(app.busy).toBe('running');
    app.requestRun();
    await clock.until(running);
    await clock.advance(50);
    expect(client.invocations('sum')).toHaveLength(1);
  });
});

import { expect } from '@esm-bundle/chai';
import type { VisitorStatusResponse } from '@casekit/protocol';
import { QueueStatus } from './queue.ts';
import '../internal/messages-chat.ts';

describe('chat queue line', () => {
  const host = { addController: () => undefined, removeController: () => undefined, requestUpdate: () => undefined, updateComplete: Promise.resolve(true) };
  async function lineFor(lang: string, status: Partial<VisitorStatusResponse>): Promise<string> {
    const queue = new QueueStatus(host, () => Promise.resolve({ agentsAvailable: true, queuePosition: null, estimatedWaitSeconds: null, ...status }));
    await queue.refresh();
    return queue.line(lang);
  }

  it('says the place as an English ordinal, with the estimate in whole minutes or hours', async () => {
    expect(await lineFor('en', { queuePosition: 1, estimatedWaitSeconds: 20 })).to.equal('You are 1st in line — less than a minute');
    expect(await lineFor('en', { queuePosition: 2, estimatedWaitSeconds: 300 })).to.equal('You are 2nd in line — about 5 minutes');
    expect(await lineFor('en', { queuePosition: 3, estimatedWaitSeconds: 60 })).to.equal('You are 3rd in line — about 1 minute');
    expect(await lineFor('en', { queuePosition: 11, estimatedWaitSeconds: 7200 })).to.equal('You are 11th in line — about 2 hours');
    expect(await lineFor('en', { queuePosition: 22, estimatedWaitSeconds: 0 })).to.equal('You are 22nd in line — less than a minute', '0: being given out now');
  });

  it('leaves the estimate out when there is none, and says nothing once the case no longer waits', async () => {
    expect(await lineFor('en', { queuePosition: 4, estimatedWaitSeconds: null })).to.equal('You are 4th in line');
    expect(await lineFor('en', { queuePosition: null, estimatedWaitSeconds: 300 })).to.equal('');
    expect(await lineFor('en', { agentsAvailable: false })).to.equal('Nobody is available right now.');
  });

  it('speaks Spanish with its own plural forms', async () => {
    expect(await lineFor('es', { queuePosition: 2, estimatedWaitSeconds: 300 })).to.equal('Eres el 2.º en la cola: unos 5 minutos');
    expect(await lineFor('es-MX', { queuePosition: 1, estimatedWaitSeconds: 60 })).to.equal('Eres el 1.º en la cola: alrededor de 1 minuto');
    expect(await lineFor('es', { queuePosition: 3, estimatedWaitSeconds: null })).to.equal('Eres el 3.º en la cola');
  });
});

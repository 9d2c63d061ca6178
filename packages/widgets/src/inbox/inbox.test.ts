import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import './inbox.ts';
import type { CasekitInbox } from './inbox.ts';
import { axeViolations, cleanup, fixture, frames, makeCase, until } from '../internal/test-helpers.ts';

describe('casekit-inbox with supplied cases', () => {
  afterEach(cleanup);

  it('renders only the visible rows of 10,000 cases and scrolls to the last one', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 600px" no-toolbar></casekit-inbox>');
    el.cases = Array.from({ length: 10_000 }, (_, i) => makeCase(i + 1));
    await el.updateComplete;
    await frames(2);
    const rows = el.shadowRoot!.querySelectorAll('[role=option]');
    expect(rows.length).to.be.greaterThan(5).and.lessThan(40);
    expect(rows[0]!.textContent).to.contain('#10000');
    const viewport = el.shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    viewport.scrollTop = viewport.scrollHeight;
    await until(() => el.shadowRoot!.querySelector('[aria-posinset="10000"]'), 'last row');
    expect(el.shadowRoot!.querySelectorAll('[role=option]').length).to.be.lessThan(40);
  });

  it('moves with the arrow keys and selects with Enter', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 400px" no-toolbar></casekit-inbox>');
    el.cases = Array.from({ length: 50 }, (_, i) => makeCase(i + 1));
    await el.updateComplete;
    const listbox = el.shadowRoot!.querySelector<HTMLElement>('[role=listbox]')!;
    listbox.focus();
    const selected = new Promise<CustomEvent & { caseId: string }>((resolve) =>
      el.addEventListener('casekit-case-select', (e) => resolve(e as never), { once: true }),
    );
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    const event = await selected;
    expect(event.caseId).to.equal('case_48');
    expect(event.bubbles && event.composed).to.equal(true);
    await el.updateComplete;
    expect(listbox.getAttribute('aria-activedescendant')).to.equal('case-case_48');
    expect(el.shadowRoot!.querySelector('#case-case_48')!.getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'End' });
    await until(() => listbox.getAttribute('aria-activedescendant') === 'case-case_1', 'End key');
  });

  it('has no accessibility violations', async () => {
    const el = await fixture<CasekitInbox>('<casekit-inbox style="height: 400px"></casekit-inbox>');
    el.cases = Array.from({ length: 20 }, (_, i) => makeCase(i + 1, { tags: ['vip'], priority: i % 4 ? 'normal' : 'urgent' }));
    await el.updateComplete;
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});

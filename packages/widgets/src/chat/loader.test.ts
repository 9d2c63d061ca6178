import { expect } from '@esm-bundle/chai';
import { cleanup, fixture, until } from '../internal/test-helpers.ts';
import { startMockApi } from '../internal/mock-api.ts';

type Queued = HTMLElement & { open(): Promise<void>; opened?: boolean };

describe('casekit-chat script loader', () => {
  before(async () => {
    await startMockApi();
  });
  after(cleanup);

  it('draws a placeholder launcher at once, queues API calls and swaps in the full chat', async () => {
    const el = await fixture<Queued>('<casekit-chat channel-id="ch_web" storage="memory" lang="es" theme="dark" style="--casekit-color-accent: #0f766e"></casekit-chat>');
    const script = document.createElement('script');
    script.type = 'module';
    script.dataset['casekitChat'] = '';
    script.dataset['full'] = new URL('./chat.ts', import.meta.url).pathname;
    script.src = new URL('./loader.ts', import.meta.url).pathname;
    const loaded = new Promise((r) => script.addEventListener('load', r));
    document.head.append(script);
    await loaded;
    const placeholder = el.shadowRoot?.querySelector('button[data-casekit-placeholder]');
    expect(placeholder, 'placeholder launcher').to.exist;
    expect(placeholder!.getAttribute('aria-label')).to.equal('Abrir chat');
    expect(customElements.get('casekit-chat')).to.equal(undefined);
    // One brand colour for both schemes: the icon must be as readable (white) before the swap as after.
    const before = getComputedStyle(placeholder!).backgroundColor;
    const iconBefore = getComputedStyle(placeholder!).color;
    expect(iconBefore).to.equal('oklch(1 0 0)');

    void el.open(); // queued until the chat arrives
    (placeholder as HTMLButtonElement).dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => customElements.get('casekit-chat'), 'full chat defined', 8000);
    await until(() => el.opened === true, 'queued open() replayed');
    expect(el.shadowRoot!.querySelector('[data-casekit-placeholder]')).to.equal(null);
    const launcher = el.shadowRoot!.querySelector('[part~=launcher]')!;
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(getComputedStyle(launcher).backgroundColor).to.equal(before);
    expect(getComputedStyle(launcher).color).to.equal(iconBefore);
    expect(Object.hasOwn(el, 'open')).to.equal(false);
  });
});

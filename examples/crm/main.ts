// The host CRM's own script: it imports the workbench like any npm package.
import '@casekit/widgets/workbench';
import { createAgentClient } from '@casekit/sdk';
import type { CasekitWorkbench } from '@casekit/widgets/workbench';

const TOKEN_KEY = 'fibrelink-crm:casekit-token';
const workbench = document.querySelector('casekit-workbench') as CasekitWorkbench;
const mode = document.getElementById('mode')!;
const avatar = document.getElementById('me')!;
const openCount = document.getElementById('open-count')!;
const params = new URLSearchParams(location.search);

workbench.canned = [
  { title: 'Restart the router', text: 'Could you unplug the router for 30 seconds, plug it back in and wait two minutes for all lights to turn green?' },
  { title: 'Engineer visit', text: 'I have booked an engineer visit. You will get a text with the time slot within the hour.' },
  { title: 'Outage in your area', text: 'There is a known outage in your area. Our team is on it; we expect service back within 2 hours.' },
  { title: 'Closing', text: 'Glad that is sorted! Anything else I can help with?' },
];

type Client = ReturnType<typeof createAgentClient>;
const plural = new Intl.PluralRules('en');
let countTimer: ReturnType<typeof setInterval> | undefined;

/** The CRM's own chrome: the signed-in agent's initials and the open-case count in the nav. */
async function showDesk(client: Client): Promise<void> {
  const me = await client.me();
  avatar.textContent = me.name.split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
  avatar.title = me.name;
  const count = async () => {
    const page = await client.listCases({ status: ['new', 'open'], limit: 100 });
    const shown = page.nextCursor ? 'other' : plural.select(page.items.length);
    openCount.textContent = `${page.items.length}${page.nextCursor ? '+' : ''}`;
    openCount.title = `${openCount.textContent} ${shown === 'one' ? 'open case' : 'open cases'}`;
  };
  await count();
  clearInterval(countTimer);
  countTimer = setInterval(() => void count().catch(() => undefined), 30_000);
}

async function start(): Promise<void> {
  if (params.has('mock')) {
    // No backend: @casekit/mocks runs the API in the page, served through a service worker, with a seeded support desk.
    const { startMockBackend } = await import('./mock.ts');
    const { email, password } = await startMockBackend();
    const client = createAgentClient({ baseUrl: location.origin });
    await client.login(email, password);
    workbench.client = client;
    mode.textContent = `Mock backend · signed in as ${email}`;
    void showDesk(client);
    return;
  }
  // Against the casekit server: the workbench shows its sign-in form; keep the token for reloads.
  const saved = sessionStorage.getItem(TOKEN_KEY);
  const signedIn = (token: string) => {
    // The workbench's live connection keeps this agent online for chat visitors while the page
    // is open; the server counts them offline shortly after it closes.
    const client = createAgentClient({ baseUrl: location.origin, token });
    void showDesk(client).catch(() => undefined);
  };
  if (saved) {
    workbench.token = saved;
    signedIn(saved);
  }
  workbench.addEventListener('casekit-signed-in', (e) => {
    sessionStorage.setItem(TOKEN_KEY, e.token);
    signedIn(e.token);
  });
  mode.textContent = 'Live backend';
}

workbench.addEventListener('casekit-case-select', (e) => {
  document.title = `#${e.case.number} ${e.case.subject} · FibreLink Ops`;
});

void start();

// The host CRM's own script: it imports the workbench like any npm package.
import '@casekit/widgets/workbench';
import { createAgentClient } from '@casekit/sdk';
import type { CasekitWorkbench } from '@casekit/widgets/workbench';

const TOKEN_KEY = 'northwind-crm:casekit-token';
const workbench = document.querySelector('casekit-workbench') as CasekitWorkbench;
const mode = document.getElementById('mode')!;
const params = new URLSearchParams(location.search);

workbench.canned = [
  { title: 'Restart the router', text: 'Could you unplug the router for 30 seconds, plug it back in and wait two minutes for all lights to turn green?' },
  { title: 'Engineer visit', text: 'I have booked an engineer visit. You will get a text with the time slot within the hour.' },
  { title: 'Outage in your area', text: 'There is a known outage in your area. Our team is on it; we expect service back within 2 hours.' },
  { title: 'Closing', text: 'Glad that is sorted! Anything else I can help with?' },
];

async function start(): Promise<void> {
  if (params.has('mock')) {
    // No backend: the SDK's mock API runs in a service worker with a seeded support desk.
    const { startMockBackend } = await import('./mock.ts');
    const { email, password } = await startMockBackend();
    const client = createAgentClient({ baseUrl: location.origin });
    await client.login(email, password);
    workbench.client = client;
    mode.textContent = `Mock backend · signed in as ${email}`;
    return;
  }
  // Against the casekit server: the workbench shows its sign-in form; keep the token for reloads.
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) workbench.token = saved;
  workbench.addEventListener('casekit-signed-in', (e) => sessionStorage.setItem(TOKEN_KEY, e.token));
  mode.textContent = 'Live backend';
}

workbench.addEventListener('casekit-case-select', (e) => {
  document.title = `#${e.case.number} ${e.case.subject} · Northwind Ops`;
});

void start();

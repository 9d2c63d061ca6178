// Demo buttons: what a host site does with the chat's JavaScript API.
const chat = () => document.querySelector('casekit-chat');
const whenReady = (fn) => {
  // Before the full chat arrives the loader queues calls, so the API can be used at once.
  const el = chat();
  if (el) fn(el);
  else setTimeout(() => whenReady(fn), 50);
};

document.getElementById('open-chat').addEventListener('click', () => whenReady((el) => el.open()));

const note = document.getElementById('demo-note');
/** Says something in the demo bar (a polite live region): text, then an optional link. */
const say = (text, link) => {
  const parts = [text];
  if (link) {
    const a = document.createElement('a');
    a.href = link.href;
    a.textContent = link.text;
    parts.push(' ', a, '.');
  }
  note.replaceChildren(...parts);
};

document.getElementById('signin').addEventListener('click', async () => {
  // A real site computes userHash on its server: hex HMAC-SHA256(userId, channel secret).
  // The demo server prints the secret, and its start page links here with it as ?secret=...
  const secret = new URLSearchParams(location.search).get('secret');
  if (!secret) {
    say('Signing Dana in needs the web chat secret of the demo server: run pnpm start and follow the support-site link on its', { href: '/', text: 'start page' });
    return;
  }
  const userId = 'dana-42';
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId)));
  const userHash = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
  whenReady((el) => {
    el.identify({ userId, userHash, name: 'Dana Whitfield', email: 'dana@example.com' });
    el.setAttributes({ plan: 'Fibre 500', accountNumber: 'FL-104233' });
    el.open();
  });
  say('Signed in as Dana Whitfield: the chat is identified.');
});

document.getElementById('signout').addEventListener('click', () => {
  whenReady((el) => el.reset());
  say('Signed out: the next chat starts anonymous.');
});

document.getElementById('lang').addEventListener('click', (e) => {
  const es = document.documentElement.lang !== 'es';
  document.documentElement.lang = es ? 'es' : 'en';
  e.target.textContent = es ? 'English' : 'Español';
  whenReady((el) => el.setAttribute('lang', es ? 'es' : 'en'));
});

document.addEventListener('casekit-message-received', (e) => console.info('[host] reply received:', e.message.text));

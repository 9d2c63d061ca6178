// Demo buttons: what a host site does with the chat's JavaScript API.
const chat = () => document.querySelector('casekit-chat');
const whenReady = (fn) => {
  // Before the full chat arrives the loader queues calls, so the API can be used at once.
  const el = chat();
  if (el) fn(el);
  else setTimeout(() => whenReady(fn), 50);
};

document.getElementById('open-chat').addEventListener('click', () => whenReady((el) => el.open()));

document.getElementById('signin').addEventListener('click', async () => {
  // A real site computes userHash on its server: hex HMAC-SHA256(userId, channel secret).
  // The demo server prints the secret; paste it in the query string as ?secret=... to try this.
  const secret = new URLSearchParams(location.search).get('secret');
  if (!secret) {
    alert('Start the demo server and open this page with ?secret=<web chat secret printed at startup>.');
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
});

document.getElementById('signout').addEventListener('click', () => whenReady((el) => el.reset()));

document.getElementById('lang').addEventListener('click', (e) => {
  const es = document.documentElement.lang !== 'es';
  document.documentElement.lang = es ? 'es' : 'en';
  e.target.textContent = es ? 'English' : 'Español';
  whenReady((el) => el.setAttribute('lang', es ? 'es' : 'en'));
});

document.addEventListener('casekit-message-received', (e) => console.info('[host] reply received:', e.message.text));

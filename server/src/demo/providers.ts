// The demo's providers: a Twilio fake and an SMTP relay on loopback stand in for the real ones, so
// a new user sees SMS, WhatsApp and email arrive through their real webhooks and listener, and
// replies go out, with no account anywhere.
import { randomInt } from 'node:crypto';
import type { CaseEngine, ChannelRecord, Store } from '@casekit/core';
import { postTwilioSms, postTwilioWhatsApp, sendSmtp, startSmtpSink, startTwilioFake, type SmtpSink, type TwilioFake } from '@casekit/testkit/providers';
import { DEMO_CHANNELS, demoCustomers } from './data.ts';

export interface DemoProviders {
  twilio: TwilioFake;
  relay: SmtpSink;
  /** Points the demo's email, SMS and WhatsApp channels at the fakes (their ports change each start). */
  configure(engine: CaseEngine, store: Store, workspaceId: string): Promise<void>;
  /** Sends `count` believable customer messages through the providers' real paths into this server. */
  simulate(target: { origin: string; smtpPort: number | null; store: Store; workspaceId: string }, count: number): Promise<{ sent: number; byChannel: Record<string, number> }>;
  close(): Promise<void>;
}

const EMAIL_ADDRESS = 'support@fibrelink.example';
const LINES = [
  ['Internet down', 'Hi, my internet has been down since this morning. The router light is red.'],
  ['Invoice question', 'I was charged twice on my last invoice, can you check?'],
  ['Speed is slow', 'Speed tests show 20 Mbps on a 500 Mbps plan in the evenings.'],
  ['Moving house', 'We move on the 14th. Can the line move with us?'],
  ['Router replacement', 'My router died after the storm. Can you send a new one?'],
  ['Wi-Fi password', 'How do I change the Wi-Fi password on the new router?'],
] as const;

/** Starts the fakes. */
export async function startDemoProviders(): Promise<DemoProviders> {
  // The demo's SMS number is the fake account's own and a valid UK mobile, so "Test" on the SMS channel passes.
  const twilio = await startTwilioFake({ phoneNumbers: ['+447911123456'] });
  const relay = await startSmtpSink();
  const channelId = (kind: string) => DEMO_CHANNELS.find((c) => c.kind === kind)?.id;
  const people = demoCustomers();

  return {
    twilio,
    relay,
    async configure(engine, store, workspaceId) {
      const system = { workspaceId, system: 'demo' };
      const settings: Record<string, { config: Record<string, unknown>; secrets: Record<string, string> }> = {
        email: { config: { address: EMAIL_ADDRESS, inbound: 'smtp', fromName: 'FibreLink Support', smtp: { host: '127.0.0.1', port: relay.port, secure: false } }, secrets: {} },
        'twilio-sms': { config: { accountSid: twilio.accountSid, from: '+447911123456', apiBaseUrl: twilio.url }, secrets: { authToken: twilio.authToken } },
        'twilio-whatsapp': { config: { accountSid: twilio.accountSid, from: 'whatsapp:+447911123457', apiBaseUrl: twilio.url }, secrets: { authToken: twilio.authToken } },
      };
      for (const [kind, { config, secrets }] of Object.entries(settings)) {
        const id = channelId(kind);
        if (id && (await store.getChannel(workspaceId, id))) await engine.updateChannel(system, id, { config, secrets, enabled: true });
      }
    },
    async simulate({ origin, smtpPort, store, workspaceId }, count) {
      const byChannel: Record<string, number> = {};
      const channels = new Map<string, ChannelRecord>();
      for (const channel of await store.listChannels(workspaceId)) channels.set(channel.kind, channel);
      const kinds = ['twilio-sms', 'twilio-whatsapp', ...(smtpPort !== null ? ['email'] : [])].filter((kind) => channels.has(kind));
      for (let i = 0; i < count; i++) {
        const kind = kinds[i % kinds.length]!;
        const channel = channels.get(kind)!;
        const person = people[randomInt(people.length)]!;
        const [subject, text] = LINES[randomInt(LINES.length)]!;
        const url = `${origin}/webhooks/${channel.id}`;
        if (kind === 'email') {
          const from = person.emails[0] ?? `${person.key}@example.com`;
          const delivery = await sendSmtp(smtpPort!, { from, to: [EMAIL_ADDRESS], mail: { from: { email: from, name: person.name }, to: [EMAIL_ADDRESS], subject, text } });
          if (!delivery.accepted) throw new Error(`the mailroom refused a message: ${delivery.code} ${delivery.reply}`);
        } else {
          const phone = person.phones[0] ?? `+4477009${String(10_000 + i).slice(-5)}`;
          const options = { url, authToken: twilio.authToken, accountSid: twilio.accountSid, body: text };
          const sent =
            kind === 'twilio-sms'
              ? await postTwilioSms({ ...options, from: phone, to: '+447911123456' })
              : await postTwilioWhatsApp({ ...options, from: `whatsapp:${phone}`, to: 'whatsapp:+447911123457', extra: { ProfileName: person.name } });
          if (sent.response.status !== 200) throw new Error(`the ${kind} webhook answered ${sent.response.status}: ${await sent.response.text()}`);
        }
        byChannel[kind] = (byChannel[kind] ?? 0) + 1;
      }
      return { sent: count, byChannel };
    },
    async close() {
      await Promise.all([twilio.close(), relay.close()]);
    },
  };
}

import type { AgentActor, CaseUpdate, ReplyInput } from '@casekit/core';
import type { Agent, Customer } from '@casekit/protocol';
import type { MockApi } from './mock-api.ts';

/** The password of every seeded agent. */
export const DEMO_PASSWORD = 'casekit-demo';

/** The secret of the demo's web-chat channel `ch_web`: userHash = hex HMAC-SHA256(userId, secret). */
export const DEMO_WEBCHAT_SECRET = 'northwind-webchat-secret-for-the-demo';

type NewAgent = Partial<Pick<Agent, 'role' | 'kind' | 'teams' | 'skills' | 'languages' | 'capacity' | 'presence'>> & { id: string; name: string; email: string };

/** What seeds use: the engine, at a time they move along. */
function seeder(mock: MockApi) {
  const { engine, system } = mock;
  return {
    engine,
    system,
    async addAgent({ presence = 'online', ...input }: NewAgent): Promise<AgentActor> {
      const agent = await engine.createAgent(system, {
        ...input,
        role: input.role ?? 'agent',
        passwordHash: await mock.auth.hashPassword(DEMO_PASSWORD),
      });
      if (presence !== 'offline') await engine.setPresence(system, agent.id, presence);
      return { workspaceId: mock.workspaceId, agent: { id: agent.id, name: agent.name, role: agent.role, kind: agent.kind } };
    },
    /** A customer writes in on a channel, as that channel would hand it over. */
    async receive(input: { customerId: string; channel: string; text: string }) {
      return engine.ingest({ workspaceId: mock.workspaceId, channelId: input.channel, customerId: input.customerId, from: { externalId: input.customerId }, text: input.text });
    },
    say: (actor: AgentActor, caseId: string, input: Omit<ReplyInput, 'caseId'> & { text: string }, internal: boolean) =>
      internal ? engine.addNote(actor, { caseId, ...input }) : engine.reply(actor, { caseId, ...input }),
    async update(actor: AgentActor, caseId: string, update: Omit<CaseUpdate, 'version'>) {
      const kase = await mock.store.getCase(mock.workspaceId, caseId);
      return engine.updateCase(actor, caseId, { ...update, version: kase!.version });
    },
  };
}

/** One admin, Ada, and a web-chat channel: the least a page needs. */
export async function seedEmpty(mock: MockApi): Promise<void> {
  const { engine, system, addAgent } = seeder(mock);
  await addAgent({ id: 'a_admin', name: 'Admin', email: 'admin@example.com', role: 'admin' });
  await engine.createChannel(system, { id: 'ch_web', kind: 'webchat', medium: 'webchat', name: 'Website chat', secrets: { identitySecret: DEMO_WEBCHAT_SECRET } });
}

/**
 * A small ISP's support desk: four agents (one a bot), five channels, six customers and seven
 * cases over the last three days, one of them spanning web chat and WhatsApp. Everything goes
 * through the engine, so the event log and the timeline are real.
 */
export async function seedDemo(mock: MockApi): Promise<void> {
  const { engine, system, addAgent, receive, say, update } = seeder(mock);
  // The steps below add up to about 74 hours; they end a few minutes before now.
  let t = mock.clock.now().getTime() - 74 * 3600_000;
  mock.clock.set(t);
  const step = (minutes: number) => {
    t += minutes * 60_000;
    mock.clock.set(t);
  };

  await engine.updateSettings(system, { reopenWindowHours: 72, displayName: 'Northwind Fiber' });

  const ada = await addAgent(
    {
      id: 'a_ada',
      name: 'Ada Lovelace',
      email: 'ada@northwind.example',
      role: 'admin',
      teams: ['support', 'billing'],
      skills: [{ name: 'billing', level: 4 }],
      capacity: { webchat: 3, email: 10, whatsapp: 3 },
    },
  );
  const ben = await addAgent(
    {
      id: 'a_ben',
      name: 'Ben Okafor',
      email: 'ben@northwind.example',
      teams: ['support'],
      skills: [{ name: 'network', level: 3 }],
      languages: ['en', 'fr'],
      capacity: { webchat: 4, email: 10, sms: 5, whatsapp: 4 },
    },
  );
  const chloe = await addAgent(
    {
      id: 'a_chloe',
      name: 'Chloé Martin',
      email: 'chloe@northwind.example',
      role: 'supervisor',
      teams: ['network'],
      skills: [{ name: 'network', level: 5 }],
      languages: ['fr', 'en'],
      presence: 'away',
    },
  );
  // A rules bot fronting no channel yet: the mocks run no bots, so new chats still reach people.
  const sageBot = await engine.createBot(system, {
    id: 'a_sage',
    name: 'Sage',
    email: 'sage-bot@northwind.example',
    settings: {
      channelIds: [],
      rules: {
        greeting: 'Hi! I am Sage, the Northwind assistant.',
        faq: [{ keywords: ['upgrade', 'fiber 1000'], answer: 'Fiber 1000 works with every router we ship. Reply UPGRADE to switch.' }],
        fields: [],
        offerHuman: 'A person from our team will answer that.',
        handoffKeywords: ['human', 'agent', 'person'],
      },
    },
  });
  const sage = { workspaceId: mock.workspaceId, agent: { id: sageBot.agent.id, name: sageBot.agent.name, role: sageBot.agent.role, kind: sageBot.agent.kind } };

  const web = await engine.createChannel(system, { id: 'ch_web', kind: 'webchat', medium: 'webchat', name: 'Website chat', secrets: { identitySecret: DEMO_WEBCHAT_SECRET } });
  const email = await engine.createChannel(system, { id: 'ch_email', kind: 'email', medium: 'email', name: 'support@northwind.example' });
  const sms = await engine.createChannel(system, { id: 'ch_sms', kind: 'twilio-sms', medium: 'sms', name: 'SMS +1 415 555 0100' });
  const whatsapp = await engine.createChannel(system, {
    id: 'ch_whatsapp',
    kind: 'twilio-whatsapp',
    medium: 'whatsapp',
    name: 'WhatsApp Business',
    // Approved templates: what agents may send once the 24-hour window has closed.
    config: {
      templates: [
        { name: 'case_update', language: 'en', body: 'Hello {{1}}, there is news on your case {{2}}. Reply to this message to continue.', contentSid: 'HX8f3b1c2d4e5f60718293a4b5c6d7e8f9' },
        { name: 'visit_confirmed', language: 'en', body: 'Hi {{1}}, your technician visit is confirmed for {{2}}.', contentSid: 'HX0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
      ],
    },
  });
  const telegram = await engine.createChannel(system, { id: 'ch_telegram', kind: 'telegram', medium: 'telegram', name: '@NorthwindSupportBot' });

  const maria = await engine.createCustomer(system, {
    id: 'cu_maria',
    name: 'María García',
    emails: ['maria.garcia@example.com'],
    phones: ['+34612345678'],
    identities: [
      { channelId: web.id, kind: 'webchat', externalId: 'user:1042' },
      { channelId: whatsapp.id, kind: 'whatsapp', externalId: '+34612345678' },
    ],
    splynxId: '1042',
    attributes: { plan: 'Fiber 500', city: 'Valencia', balance: 0 },
  });
  const tom = await engine.createCustomer(system, {
    id: 'cu_tom',
    name: 'Tom Becker',
    emails: ['tom.becker@example.net'],
    identities: [{ channelId: email.id, kind: 'email', externalId: 'tom.becker@example.net' }],
    splynxId: '877',
    attributes: { plan: 'Fiber 1000', city: 'Hamburg', balance: -39.9 },
  });
  const aisha = await engine.createCustomer(system, {
    id: 'cu_aisha',
    name: 'Aisha Khan',
    phones: ['+447700900123'],
    identities: [{ channelId: sms.id, kind: 'sms', externalId: '+447700900123' }],
    splynxId: '1311',
    attributes: { plan: 'Fiber 300', city: 'Leeds' },
  });
  const li = await engine.createCustomer(system, {
    id: 'cu_li',
    name: 'Li Wei',
    identities: [{ channelId: telegram.id, kind: 'telegram', externalId: '583920117' }],
    attributes: { plan: 'Fiber 500', telegram: '@liwei' },
  });
  const olu = await engine.createCustomer(system, {
    id: 'cu_olu',
    name: 'Olumide Adeyemi',
    emails: ['olu.adeyemi@example.org'],
    identities: [
      { channelId: email.id, kind: 'email', externalId: 'olu.adeyemi@example.org' },
      { channelId: web.id, kind: 'webchat', externalId: 'user:2210' },
    ],
    splynxId: '2210',
    attributes: { plan: 'Business 1G', company: 'Adeyemi Design Ltd' },
  });
  const visitor = await engine.createCustomer(system, {
    id: 'cu_visitor',
    name: 'Website visitor',
    identities: [{ channelId: web.id, kind: 'webchat', externalId: 'anon:9f3c1a' }],
  });

  await seedBilling(mock, [maria, tom]);

  // Tom's old case, solved then closed.
  step(30);
  const reset = await receive({ customerId: tom.id, channel: email.id, text: 'Hi, I forgot the password for the customer portal. Can you reset it?' });
  step(22);
  await say(ada, reset.case.id, { text: 'Done: a reset link is on its way to tom.becker@example.net. It works for 24 hours.' }, false);
  await update(ada, reset.case.id, { status: 'solved', tags: ['account'] });
  step(60 * 26);
  await update(ada, reset.case.id, { status: 'closed' });

  // María: evening drop-outs, on web chat then WhatsApp (one case, two channels).
  step(120);
  const drop = await receive({
    customerId: maria.id,
    channel: web.id,
    text: 'My internet has been dropping every evening since Monday, usually around 9 pm.',
  });
  step(4);
  await say(ben, drop.case.id, { text: "Sorry about that, María. I can see three short outages on your line this week. Could you restart the ONT (the white box) tonight before 9 so we can compare?" }, false);
  await update(ben, drop.case.id, {
    priority: 'high',
    team: 'network',
    tags: ['outage', 'evening'],
  });
  step(3);
  await say(chloe, drop.case.id, { text: 'Same pattern on 4 lines behind OLT-7 in Ruzafa. Checking the splitter.' }, true);
  step(60 * 20);
  await receive({ customerId: maria.id, channel: whatsapp.id, text: 'Still dropping tonight at 21:30, even after the restart 😕' });

  // Tom: double charge, waiting on him.
  step(45);
  const invoice = await receive({
    customerId: tom.id,
    channel: email.id,
    text: 'Invoice 2024-118 was charged twice on my card. Please refund one of them.',
  });
  step(15);
  await say(ada, invoice.case.id, { text: 'You are right, Tom: the second charge is a duplicate. I have started the refund of €39.90; could you confirm the last four digits of the card?' }, false);
  await update(ada, invoice.case.id, {
    status: 'pending',
    team: 'billing',
    tags: ['billing', 'refund'],
  });

  // Li: a question the bot answered.
  step(90);
  const upgrade = await receive({ customerId: li.id, channel: telegram.id, text: 'Can I upgrade to 1 Gbps without a new router?' });
  step(1);
  await say(sage, upgrade.case.id, { text: 'Yes! Fiber 1000 works with your current router (ZTE F680). Reply UPGRADE to switch from the next billing cycle.' }, false);
  step(2);
  await receive({ customerId: li.id, channel: telegram.id, text: 'UPGRADE' });
  step(1);
  await say(sage, upgrade.case.id, { text: 'Done: Fiber 1000 starts on the 1st. Anything else?' }, false);
  await update(sage, upgrade.case.id, { status: 'solved', tags: ['upgrade'] });

  // Olumide: moving house, on hold until the date is known.
  step(200);
  const move = await receive({
    customerId: olu.id,
    channel: email.id,
    text: 'We are moving the studio next month. Can the business line move with us, and how long is the downtime?',
  });
  step(35);
  await say(ada, move.case.id, { text: 'Yes, the line moves with you; the switch-over is usually under 2 hours. Send us the new address and the move date and we will book the engineer.' }, false);
  await update(ada, move.case.id, { status: 'on_hold', tags: ['relocation'] });

  // Aisha: red lights, urgent and unassigned.
  step(60 * 18);
  const red = await receive({ customerId: aisha.id, channel: sms.id, text: 'Router lights all red, no connection at all. I work from home, please help' });
  await update(ada, red.case.id, { priority: 'urgent', tags: ['no-service'] });

  // An anonymous visitor asking about coverage.
  step(12);
  await receive({ customerId: visitor.id, channel: web.id, text: 'Hi, do you cover Calle de Sueca in Ruzafa?' });

  // Tom again, a new question while the refund case waits.
  step(5);
  await receive({ customerId: tom.id, channel: email.id, text: 'Also: can I get a static IP on Fiber 1000?' });

  mock.clock.set(null);
}

/** `YYYY-MM-DD` `days` from the mock's now (negative: before). */
function dayFrom(mock: MockApi, days: number): string {
  return new Date(mock.clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Splynx accounts for María (active, one invoice overdue and one not yet due) and Tom (blocked
 * for an unpaid invoice), written through the engine as the Splynx sync writes them.
 */
async function seedBilling(mock: MockApi, [maria, tom]: [Customer, Customer]): Promise<void> {
  const common = { source: 'splynx', category: 'person', partnerId: '1', partnerName: 'FibreLink', locationId: '1', locationName: 'Springfield', changedAt: dayFrom(mock, -1) + ' 09:00:00' } as const;
  const invoice = (id: string, status: 'paid' | 'not_paid', total: string, createdOn: number, dueOn: number, paidOn: number | null) => ({
    id,
    number: `INV-${id}`,
    status,
    total,
    due: status === 'paid' ? '0.00' : total,
    createdOn: dayFrom(mock, createdOn),
    dueOn: dayFrom(mock, dueOn),
    paidOn: paidOn === null ? null : dayFrom(mock, paidOn),
  });
  await mock.engine.applyBilling(mock.system, {
    accounts: [
      {
        ...common,
        externalId: maria.splynxId!,
        status: 'active',
        login: 'maria.garcia',
        name: maria.name,
        address: 'Carrer de Sueca 12, 46006 Valencia',
        url: `https://billing.northwind.example/admin/customers/view?id=${maria.splynxId}`,
        services: [
          { id: '5101', type: 'internet', description: 'Fiber 500', status: 'active', tariffId: '12', unitPrice: '29.90', startDate: dayFrom(mock, -400), endDate: null, detail: 'pppoe maria.garcia' },
          { id: '5102', type: 'voice', description: 'Landline', status: 'active', tariffId: '3', unitPrice: '5.00', startDate: dayFrom(mock, -400), endDate: null, detail: '+34961234567' },
        ],
        invoices: [
          invoice('2041', 'not_paid', '34.90', -2, 12, null),
          invoice('1987', 'not_paid', '34.90', -32, -18, null),
          invoice('1932', 'paid', '34.90', -62, -48, -50),
          invoice('1877', 'paid', '34.90', -92, -78, -80),
        ],
        amountDue: '69.80',
        contact: { name: maria.name, emails: maria.emails, phones: maria.phones },
      },
      {
        ...common,
        externalId: tom.splynxId!,
        status: 'blocked',
        login: 'tom.becker',
        name: tom.name,
        address: 'Grindelallee 80, 20146 Hamburg',
        url: `https://billing.northwind.example/admin/customers/view?id=${tom.splynxId}`,
        services: [{ id: '4410', type: 'internet', description: 'Fiber 1000', status: 'stopped', tariffId: '14', unitPrice: '39.90', startDate: dayFrom(mock, -700), endDate: null, detail: 'pppoe tom.becker' }],
        invoices: [invoice('2003', 'not_paid', '39.90', -40, -26, null), invoice('1950', 'paid', '39.90', -70, -56, -57)],
        amountDue: '39.90',
        contact: { name: tom.name, emails: tom.emails, phones: tom.phones },
      },
    ],
  });
}

import { DEFAULT_ROUTING } from '@casekit/protocol';
import type { CaseStatus, CHANNEL_MEDIA, ChannelKind, Priority, Role, RoutingSettings, Skill, SlaSettings } from '@casekit/protocol';

/** The demo ISP's name, shown to customers in the chat. */
export const DEMO_COMPANY = 'FibreLink';

/**
 * The demo's routing: billing questions to the billing team, outages to the technical team at
 * high priority with an automatic first answer, VIP customers first; least-loaded and sticky.
 */
export const DEMO_ROUTING: RoutingSettings = {
  policies: {
    // The built-in default, widened once more: after 5 minutes any team will do.
    default: {
      ...DEFAULT_ROUTING.policies.default,
      widening: [...DEFAULT_ROUTING.policies.default.widening, { afterSeconds: 300, minLevel: 1, language: false, team: false }],
    },
  },
  rules: [
    {
      name: 'Billing questions',
      when: { kind: 'keywords', any: ['invoice', 'bill', 'refund', 'charged', 'payment'] },
      set: { team: 'billing', skills: [{ name: 'billing', minLevel: 3 }], tags: ['billing'] },
      stop: false,
    },
    {
      name: 'Outages',
      when: { kind: 'keywords', any: ['outage', 'internet down', 'no internet', 'no connection'] },
      set: { team: 'technical', priority: 'high', skills: [{ name: 'networking', minLevel: 3 }], tags: ['outage'] },
      stop: false,
    },
    { name: 'VIP customers', when: { kind: 'attribute', name: 'vip', equals: true }, set: { priority: 'urgent', tags: ['vip'] }, stop: false },
    // Billing facts the Splynx sync brings (docs/splynx.md).
    {
      name: 'Overdue invoice',
      when: { kind: 'attribute', name: 'billing.overdueInvoices', atLeast: 1 },
      set: { skills: [{ name: 'billing', minLevel: 1 }], tags: ['overdue'] },
      stop: false,
    },
    { name: 'Blocked account', when: { kind: 'attribute', name: 'billing.status', equals: 'blocked' }, set: { priority: 'high', tags: ['blocked'] }, stop: false },
  ],
  automations: [
    {
      name: 'Outage first answer',
      on: 'case.created',
      when: { kind: 'keywords', any: ['outage', 'internet down', 'no internet'] },
      actions: [{ kind: 'reply', text: 'Thanks for letting us know. We are checking the network in your area and a technician will answer here shortly.' }],
    },
  ],
  handleSeconds: { webchat: 420, email: 1800, sms: 600, whatsapp: 600 },
};

/**
 * The demo's SLA: first answers within 15 minutes for urgent chats up to 4 hours for low ones,
 * counted in the help desk's hours (Monday to Saturday, 8:00–20:00, Lisbon), with a warning
 * 10 minutes before and a breach raising the priority and telling supervisors.
 */
export const DEMO_SLA: SlaSettings = {
  calendars: [
    {
      id: 'helpdesk',
      timeZone: 'Europe/Lisbon',
      hours: { mon: [['08:00', '20:00']], tue: [['08:00', '20:00']], wed: [['08:00', '20:00']], thu: [['08:00', '20:00']], fri: [['08:00', '20:00']], sat: [['08:00', '20:00']] },
      holidays: ['2026-12-25', '2027-01-01'],
    },
  ],
  policies: [
    {
      id: 'standard',
      calendarId: 'helpdesk',
      targets: {
        urgent: { firstResponseSeconds: 900, nextResponseSeconds: 900, resolutionSeconds: 4 * 3600 },
        high: { firstResponseSeconds: 1800, nextResponseSeconds: 1800, resolutionSeconds: 8 * 3600 },
        normal: { firstResponseSeconds: 2 * 3600, nextResponseSeconds: 4 * 3600, resolutionSeconds: 24 * 3600 },
        low: { firstResponseSeconds: 4 * 3600, resolutionSeconds: 72 * 3600 },
      },
      warnBeforeSeconds: 600,
      escalation: { raisePriority: true, notifyRole: 'supervisor' },
    },
  ],
  default: 'standard',
};

export interface DemoAgent {
  id: string;
  name: string;
  email: string;
  role: Role;
  teams: string[];
  skills: Skill[];
  languages: string[];
}

export const DEMO_AGENTS: DemoAgent[] = [
  {
    id: 'ag_demo_ana',
    name: 'Ana Costa',
    email: 'ana@fibrelink.example',
    role: 'admin',
    teams: ['billing', 'technical'],
    skills: [
      { name: 'billing', level: 4 },
      { name: 'networking', level: 3 },
    ],
    languages: ['en', 'pt'],
  },
  {
    id: 'ag_demo_ben',
    name: 'Ben Okafor',
    email: 'ben@fibrelink.example',
    role: 'supervisor',
    teams: ['technical'],
    skills: [
      { name: 'networking', level: 5 },
      { name: 'fibre', level: 4 },
      { name: 'routers', level: 5 },
    ],
    languages: ['en'],
  },
  {
    id: 'ag_demo_chloe',
    name: 'Chloé Martin',
    email: 'chloe@fibrelink.example',
    role: 'agent',
    teams: ['billing'],
    skills: [
      { name: 'billing', level: 5 },
      { name: 'refunds', level: 4 },
    ],
    languages: ['en', 'fr'],
  },
  {
    id: 'ag_demo_diego',
    name: 'Diego Ramírez',
    email: 'diego@fibrelink.example',
    role: 'agent',
    teams: ['technical'],
    skills: [
      { name: 'routers', level: 4 },
      { name: 'wifi', level: 4 },
      { name: 'fibre', level: 2 },
    ],
    languages: ['en', 'es'],
  },
  {
    id: 'ag_demo_emma',
    name: 'Emma Schulz',
    email: 'emma@fibrelink.example',
    role: 'agent',
    teams: ['sales'],
    skills: [
      { name: 'upgrades', level: 5 },
      { name: 'business', level: 3 },
    ],
    languages: ['en', 'de'],
  },
  {
    id: 'ag_demo_farah',
    name: 'Farah Haddad',
    email: 'farah@fibrelink.example',
    role: 'agent',
    teams: ['billing', 'sales'],
    skills: [
      { name: 'billing', level: 3 },
      { name: 'upgrades', level: 3 },
    ],
    languages: ['en', 'ar'],
  },
];

export interface DemoChannel {
  id: string;
  kind: keyof typeof CHANNEL_MEDIA;
  name: string;
}

export const DEMO_CHANNELS: DemoChannel[] = [
  { id: 'email', kind: 'email', name: 'support@fibrelink.example' },
  { id: 'sms', kind: 'twilio-sms', name: 'SMS +44 7700 900000' },
  { id: 'whatsapp', kind: 'twilio-whatsapp', name: 'WhatsApp Business' },
  { id: 'telegram', kind: 'telegram', name: 'Telegram @FibreLinkBot' },
];

const FIRST = [
  'Olivia', 'Noah', 'Amelia', 'Liam', 'Isla', 'Mateo', 'Ava', 'Arjun', 'Mia', 'Lucas',
  'Sofia', 'Omar', 'Grace', 'Jonas', 'Chiara', 'Kenji', 'Leah', 'Samuel', 'Priya', 'Tomás',
  'Hannah', 'Yusuf', 'Zoe', 'Ethan', 'Maya', 'Felix', 'Nora', 'Daniel', 'Aisha', 'Hugo',
  'Elena', 'Marcus', 'Ingrid', 'Rafael', 'Lucy', 'Viktor', 'Amara', 'Oscar', 'Julia', 'Ravi',
];
const LAST = [
  'Bennett', 'Walsh', 'Nakamura', 'Fischer', 'Okoye', 'Silva', 'Patel', 'Kowalski', 'Dubois', 'Hughes',
  'Rossi', 'Khan', 'Murphy', 'Lindqvist', 'Moreau', 'Tanaka', 'Evans', 'Adeyemi', 'Sharma', 'García',
  'Novak', 'Aydın', 'Clarke', 'Brennan', 'Cohen', 'Wagner', 'Berg', 'Reyes', 'Mensah', 'Laurent',
  'Popescu', 'Grant', 'Johansson', 'Costa', 'Turner', 'Petrov', 'Osei', 'Nilsson', 'Weber', 'Iyer',
];
const STREETS = ['Mill Lane', 'Harbour Road', 'Oak Avenue', 'Station Street', 'Kingfisher Way', 'Elm Close', 'Queens Road', 'Canal Side'];
const PLANS = ['Fibre 150', 'Fibre 300', 'Fibre 500', 'Fibre 900', 'Business 1G'];

export interface DemoIdentity {
  channelId: string;
  kind: ChannelKind;
  externalId: string;
}

export interface DemoCustomer {
  key: string;
  name: string;
  firstName: string;
  emails: string[];
  phones: string[];
  identities: DemoIdentity[];
  attributes: Record<string, string | number>;
}

/** Forty customers, each known on two to four channels. */
export function demoCustomers(): DemoCustomer[] {
  return FIRST.map((first, i) => {
    const last = LAST[i]!;
    const slug = `${first}.${last}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z.]/g, '');
    const email = `${slug}@${['mailbox.example', 'post.example', 'inbox.example'][i % 3]}`;
    const phone = i % 2 === 0 ? `+447700900${String(100 + i * 7).padStart(3, '0')}` : `+1555010${String(10 + i).padStart(4, '0')}`;
    const identities: DemoIdentity[] = [{ channelId: 'email', kind: 'email', externalId: email }];
    if (i % 4 !== 3) identities.push({ channelId: 'whatsapp', kind: 'whatsapp', externalId: phone.slice(1) });
    if (i % 3 === 0) identities.push({ channelId: 'sms', kind: 'sms', externalId: phone });
    if (i % 5 === 1) identities.push({ channelId: 'telegram', kind: 'telegram', externalId: String(5_100_000_000 + i * 7919) });
    if (i % 2 === 1 || i % 5 === 0) identities.push({ channelId: 'webchat', kind: 'webchat', externalId: `user:FL-${10_400 + i}` });
    const emails = i % 6 === 2 ? [email, `${slug.split('.')[0]}@work-${i}.example`] : [email];
    const phones = i % 7 === 4 ? [phone, `+44113496${String(i).padStart(4, '0')}`] : [phone];
    return {
      key: `cust${i}`,
      name: `${first} ${last}`,
      firstName: first,
      emails,
      phones,
      identities,
      attributes: {
        accountNumber: `FL-${10_400 + i}`,
        plan: PLANS[i % PLANS.length]!,
        address: `${10 + ((i * 13) % 80)} ${STREETS[i % STREETS.length]}`,
      },
    };
  });
}

/** One step of a scripted case: a customer message, an agent reply or note, or a change. */
export type DemoStep =
  | { kind: 'customer'; text: string; after: number; otherChannel?: boolean }
  | { kind: 'reply'; text: string; after: number }
  | { kind: 'note'; text: string; after: number }
  | {
      kind: 'update';
      after: number;
      status?: CaseStatus;
      priority?: Priority;
      tags?: string[];
      team?: string;
      assign?: boolean;
    };

export interface DemoTemplate {
  subject: string;
  team: 'billing' | 'technical' | 'sales';
  steps: DemoStep[];
}

// `after` is minutes after the previous step. Placeholders: {first} {agent} {plan} {invoice} {amount} {address} {account}
const c = (text: string, after = 5, otherChannel = false): DemoStep => ({ kind: 'customer', text, after, ...(otherChannel && { otherChannel }) });
const r = (text: string, after = 12): DemoStep => ({ kind: 'reply', text, after });
const n = (text: string, after = 3): DemoStep => ({ kind: 'note', text, after });
const u = (change: Omit<Extract<DemoStep, { kind: 'update' }>, 'kind' | 'after'>, after = 2): DemoStep => ({ kind: 'update', after, ...change });

export const DEMO_TEMPLATES: DemoTemplate[] = [
  {
    subject: 'Internet down since this morning',
    team: 'technical',
    steps: [
      c('Hi, my internet has been completely down since about 7am. The router light is flashing red. Account {account}.', 0),
      u({ priority: 'high', tags: ['outage'], team: 'technical', assign: true }),
      r('Hi {first}, sorry about that. We have a fibre cut affecting part of your area and engineers are on site. Expected fix is around 2pm today.'),
      n('Linked to incident INC-2291 (fibre cut near the exchange). ~140 customers affected.'),
      c('Thanks for letting me know. I work from home, is there anything you can do in the meantime?', 20),
      r('I have added 4G backup data to your account (50 GB) for today. I will update you as soon as the line is restored.'),
      u({ status: 'pending' }),
      c('Back online now, thank you!', 300),
      r('Great to hear, {first}. I have also credited one day of service on your next invoice. Have a good day!'),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Question about invoice {invoice}',
    team: 'billing',
    steps: [
      c('Hello, my latest invoice {invoice} is {amount}, but my plan is supposed to be £34.99 a month. Why is it higher?', 0),
      u({ tags: ['invoice'], team: 'billing', assign: true }),
      r('Hi {first}, thanks for reaching out. The invoice includes a pro-rated charge for the {plan} upgrade on the 14th. From next month it will be the regular price.'),
      c('Ah I see, that makes sense. Could you send me a breakdown?', 45),
      r('Of course, I have emailed you the itemised breakdown. Let me know if anything is unclear.'),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Charged twice this month',
    team: 'billing',
    steps: [
      c('I was charged twice for this month! Two payments of {amount} left my bank account on the 1st.', 0),
      u({ priority: 'high', tags: ['refund', 'payment'], team: 'billing', assign: true }),
      n('Payment provider shows a retried direct debit after a timeout; both captured. Refund needed.'),
      r('Hi {first}, I am sorry about this. I can see the duplicate payment and have started a refund of {amount}. It usually reaches your account within 3–5 working days.'),
      c('OK, thanks. Please make sure it does not happen again.', 30),
      r('Understood. We have fixed the retry issue that caused this. Reference for the refund: RF-{account}.'),
      u({ status: 'pending' }),
    ],
  },
  {
    subject: 'Setting up the new router',
    team: 'technical',
    steps: [
      c('Just received the new router. Which port does the fibre cable go in, and do I need to keep the old ONT box?', 0),
      u({ tags: ['router', 'installation'], team: 'technical', assign: true }),
      r('Hi {first}! Keep the ONT (the small white box on the wall). Connect its LAN port to the blue WAN port on the new router, then power it on. It configures itself in about 5 minutes.'),
      c('Done, all lights are green. How do I change the WiFi name?', 25),
      r('Go to http://192.168.1.1, log in with the password on the sticker under the router, then Wireless → Network name. Save and reconnect your devices.'),
      c('Perfect, all working. Thanks!', 15),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Slow speeds in the evening',
    team: 'technical',
    steps: [
      c('Every evening between 8 and 11 my speed drops to about 20 Mbps. I pay for {plan}. Is something wrong?', 0),
      u({ tags: ['speed'], team: 'technical', assign: true }),
      r('Hi {first}, could you run a speed test at speedtest.fibrelink.example with a cable connected to the router, and send me the result ID?'),
      c('Result ID 88231-ax. That one was with the cable, 41 Mbps.', 140),
      n('Line stats OK, no errors. Port on OLT-7 shows congestion 20:00–23:00. Raised NET-512 with network ops.'),
      r('Thanks. We found congestion on the equipment serving your street in the evenings. Our network team is adding capacity this week; I will keep this case open until it is done.'),
      u({ status: 'on_hold', priority: 'normal' }),
    ],
  },
  {
    subject: 'Upgrade to a faster plan',
    team: 'sales',
    steps: [
      c('Hi, I am interested in upgrading from {plan}. What are my options and would it change my contract?', 0),
      u({ tags: ['upgrade'], team: 'sales', assign: true }),
      r('Hi {first}, great to hear! At {address} you can get Fibre 500 for £44.99 or Fibre 900 for £54.99. Upgrading keeps your current contract end date; no new 24-month term.'),
      c('Fibre 900 please. When would it start?', 60),
      r('Done! The upgrade goes live tomorrow morning; no engineer visit needed. You will receive a confirmation email shortly.'),
      u({ status: 'solved', tags: ['upgrade', 'won'] }),
    ],
  },
  {
    subject: 'Moving house next month',
    team: 'sales',
    steps: [
      c('We are moving to a new address on the 28th. Can I take my broadband with me?', 0),
      u({ tags: ['home-move'], team: 'sales', assign: true }),
      r('Hi {first}, congratulations on the move! Please send me the new postcode and I will check availability there.'),
      c('It is LS6 2QT, flat 4.', 35),
      n('LS6 2QT is on the Openreach footprint only; quote Fibre 300 equivalent. Needs engineer booking.'),
      r('Good news, fibre is available there. The earliest engineer slot is the 29th, 8am–1pm. Shall I book it?'),
      u({ status: 'pending' }),
    ],
  },
  {
    subject: 'WiFi does not reach the upstairs rooms',
    team: 'technical',
    steps: [
      c('The WiFi upstairs is really weak, video calls keep dropping in the bedroom office.', 0),
      u({ tags: ['wifi'], team: 'technical', assign: true }),
      r('Hi {first}, a mesh extender usually fixes this. We can send one free of charge with your {plan} plan. Would you like that?'),
      c('Yes please!', 10),
      r('Ordered, it will arrive in 2 days. Plug it in halfway between the router and the office and press the WPS button on both.'),
      c('It arrived and works great, full signal upstairs now.', 2900),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Payment failed',
    team: 'billing',
    steps: [
      c('I got a message saying my payment failed. My card expired last month, how do I update it?', 0),
      u({ tags: ['payment'], team: 'billing', assign: true }),
      r('Hi {first}, you can update your card in the customer portal under Billing → Payment method. I have paused any late fees for 7 days.'),
      c('Updated it, can you retry the payment?', 50),
      r('Retried successfully, {amount} has been collected. You are all set.'),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Need a static IP address',
    team: 'technical',
    steps: [
      c('I run a small home server and need a static IPv4 address. Is that possible on my plan?', 0),
      u({ tags: ['static-ip'], team: 'technical', assign: true }),
      n('Static IP add-on £5/month; available on all fibre plans. Needs sales to add it to the contract.'),
      r('Hi {first}, yes, a static IPv4 is £5 per month on top of {plan}. I can add it today; it will be assigned after a router restart.'),
      c('Yes please add it.', 90),
      u({ team: 'sales', tags: ['static-ip', 'upsell'] }),
    ],
  },
  {
    subject: 'Engineer did not turn up',
    team: 'technical',
    steps: [
      c('The engineer was supposed to come today between 8 and 1 for the installation. Nobody came and I took the day off work!', 0),
      u({ priority: 'urgent', tags: ['installation', 'complaint'], team: 'technical', assign: true }),
      n('Field team says the job was rescheduled by mistake. Escalating to the scheduling lead.'),
      r('Hi {first}, I am very sorry. The appointment was moved by mistake on our side. I have booked the first slot tomorrow (8–10am) and applied a £30 credit for the missed appointment.'),
      c('Tomorrow works. Please make sure they actually come this time.', 15),
      r('Confirmed with the field team; the engineer will call you 30 minutes before arrival.'),
      u({ status: 'pending' }),
    ],
  },
  {
    subject: 'Cancel my contract',
    team: 'sales',
    steps: [
      c('I would like to cancel my broadband, my contract ended last month.', 0),
      u({ tags: ['cancellation', 'retention'], team: 'sales', assign: true }),
      r('Hi {first}, sorry to hear you want to leave. Before you go: as an existing customer you can have Fibre 500 for £29.99 for 18 months. Would that interest you?'),
      c('Hmm, that is actually cheaper than the offer I got elsewhere. OK, let us do that.', 120),
      r('Wonderful! I have applied the new price from your next bill. Thanks for staying with us.'),
      u({ status: 'solved', tags: ['cancellation', 'retention', 'saved'] }),
    ],
  },
  {
    subject: 'Port forwarding for gaming',
    team: 'technical',
    steps: [
      c('How do I open ports for my PlayStation? NAT type is strict.', 0),
      u({ tags: ['router', 'gaming'], team: 'technical', assign: true }),
      r('Hi {first}, easiest is to enable UPnP: router admin page → Advanced → UPnP → On. If that does not help, give your console a fixed IP and forward UDP 3478–3479.'),
      c('UPnP did it, NAT type open now!', 40),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Is fibre available for my business?',
    team: 'sales',
    steps: [
      c('We are opening a café at 22 Harbour Road and need reliable internet plus card terminals. What do you offer for businesses?', 0),
      u({ tags: ['business', 'lead'], team: 'sales', priority: 'high', assign: true }),
      r('Hi {first}, Business 1G is available at that address: 1 Gbps symmetric, static IP, 4-hour fix SLA and 4G backup, £69/month. I can send a quote today.'),
      c('Sounds good, please send the quote to this address.', 25),
      n('Quote Q-7731 sent. Follow up Friday if no answer.'),
      u({ status: 'pending' }),
    ],
  },
  {
    subject: 'Router keeps restarting',
    team: 'technical',
    steps: [
      c('My router restarts itself several times a day, the connection drops for a few minutes each time.', 0),
      u({ tags: ['router', 'hardware'], team: 'technical', assign: true }),
      r('Hi {first}, that sounds like a faulty power adapter or router. Can you tell me if the power light goes off completely when it happens?'),
      c('Yes, everything goes dark for a second and then it boots again.', 75),
      n('Symptoms match the PSU batch issue (RMA-PSU-04). Send replacement PSU and router.'),
      r('Thanks, that points to a faulty power supply. I am sending a replacement router and adapter by courier; it should arrive tomorrow.'),
      u({ status: 'pending', priority: 'high' }),
    ],
  },
  {
    subject: 'Email account settings',
    team: 'technical',
    steps: [
      c('What are the IMAP and SMTP settings for my @fibrelink email address? Setting it up on a new phone.', 0),
      u({ tags: ['email-setup'], team: 'technical' }),
      r('Hi {first}! IMAP: mail.fibrelink.example port 993 (SSL). SMTP: mail.fibrelink.example port 465 (SSL). Username is your full email address.'),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Price increase letter',
    team: 'billing',
    steps: [
      c('I got a letter that my price goes up in April. I thought my price was fixed during the contract?', 0),
      u({ tags: ['pricing', 'complaint'], team: 'billing', assign: true }),
      n('Customer signed before the fixed-price terms (pre-2024). Annual CPI rise applies, but we can offer loyalty discount.'),
      r('Hi {first}, your contract includes a yearly adjustment of the inflation rate, but I can offer a £3/month loyalty discount that cancels most of the rise. Shall I apply it?'),
      c('Yes, please do.', 200),
      r('Applied, you will see it from the April invoice. Thanks for being with us!'),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'No internet after a power cut',
    team: 'technical',
    steps: [
      c('There was a power cut last night and since then no internet. I have restarted the router twice.', 0),
      u({ tags: ['outage'], team: 'technical', priority: 'high' }),
      c('Still nothing. The ONT light labelled PON is blinking.', 30, true),
      n('Blinking PON after power loss: likely ONT needs re-provisioning. Customer wrote again on another channel; same case.'),
      r('Hi {first}, thanks for the details. I re-provisioned your ONT from our side. Please unplug it for 30 seconds and plug it back in.'),
      c('That fixed it. Thank you so much!', 20),
      u({ status: 'solved' }),
    ],
  },
  {
    subject: 'Parental controls',
    team: 'technical',
    steps: [
      c('Can I block certain websites for my kids on the home network?', 0),
      u({ tags: ['router', 'parental-controls'], team: 'technical' }),
    ],
  },
  {
    subject: 'Direct debit date change',
    team: 'billing',
    steps: [
      c('Could you move my direct debit from the 1st to the 15th of each month? That is when I get paid.', 0),
      u({ tags: ['payment'], team: 'billing' }),
    ],
  },
];

/** Figures filled into the template placeholders, varied per case. */
export const AMOUNTS = ['£42.17', '£34.99', '£56.40', '£61.08', '£29.99', '£47.50', '£38.25'];

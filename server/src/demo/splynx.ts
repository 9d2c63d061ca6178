import { randomBytes } from 'node:crypto';
import { startSplynxFake, type SplynxFake } from '@casekit/testkit/providers';
import type { SplynxConfig } from '../config.ts';
import { demoCustomers } from './data.ts';

/** Customers the demo's Splynx holds besides the demo's own forty. */
const OTHER_CUSTOMERS = 160;

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Starts a Splynx fake on loopback for the demo: its first customers are the demo's, with the
 * same names, emails and phones, so the sync links them; one of them is blocked and two owe an
 * overdue invoice. Answers the fake and the configuration that reaches it.
 */
export async function startDemoSplynx(): Promise<{ fake: SplynxFake; config: SplynxConfig }> {
  const apiKey = randomBytes(8).toString('hex');
  const apiSecret = randomBytes(16).toString('hex');
  const hookSecret = randomBytes(16).toString('hex');
  const customers = demoCustomers();
  const fake = await startSplynxFake({ apiKey, apiSecret, hookSecret, customers: customers.length + OTHER_CUSTOMERS, seed: 7 });
  const ids = [...fake.store.customers.keys()];
  customers.forEach((customer, i) => {
    const record = fake.store.customers.get(ids[i]!)!;
    Object.assign(record, { name: customer.name, email: customer.emails[0], phone: customer.phones[0], status: i === 3 ? 'blocked' : 'active' });
  });
  // Two demo customers owe an invoice that fell due last week.
  for (const index of [0, 5]) {
    const invoice = [...fake.store.invoices.values()].find((r) => r.customer_id === ids[index]);
    if (invoice) Object.assign(invoice, { status: 'not_paid', due: invoice.total, date_till: day(-7), date_payment: '0000-00-00' });
  }
  return { fake, config: { url: fake.url, apiKey, apiSecret, hookSecret, syncIntervalSeconds: 60 } };
}

import type { Customer, MergeSuggestion } from '@casekit/protocol';
import type { CustomerSearch } from './ports.ts';
import { billingAllowsMerge } from './rules.ts';

/** A name as people compare them: case, accents and spacing aside. */
const foldName = (name: string) => name.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether the profile has a name of its own, not just the address it wrote from. */
function hasRealName(customer: Customer): boolean {
  const name = foldName(customer.name);
  if (name.length < 3) return false;
  const addresses = [...customer.emails, ...customer.phones, ...customer.identities.map((i) => i.externalId)].map(foldName);
  return !addresses.includes(name);
}

/**
 * Other profiles that may be the same person: one holding the same email or phone number, or one
 * with the same full name (a customer who wrote on WhatsApp and then by email). Merging stays a
 * supervisor's decision; nothing is merged here. Profiles that may not merge (`assertCustomersMergeable`)
 * are not suggested. Holders are found through `search`.
 */
export async function suggestMerges(search: CustomerSearch, workspaceId: string, customer: Customer, limit = 10): Promise<MergeSuggestion[]> {
  const found = new Map<string, MergeSuggestion>();
  const add = (other: Customer | null, reason: MergeSuggestion['reasons'][number]) => {
    if (!other || other.id === customer.id) return;
    // Profiles of two billing accounts may not merge: suggesting it would only fail.
    if (!billingAllowsMerge(customer, other)) return;
    const entry = found.get(other.id) ?? { customer: other, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    found.set(other.id, entry);
  };
  // Every other holder of the same email or phone, found through search (a lookup by email
  // answers one holder only, which may be this profile itself).
  for (const email of customer.emails) {
    for (const other of (await search.searchCustomers(workspaceId, email, 50)).items) if (other.emails.includes(email)) add(other, 'email');
  }
  for (const phone of customer.phones) {
    for (const other of (await search.searchCustomers(workspaceId, phone, 50)).items) if (other.phones.includes(phone)) add(other, 'phone');
  }
  if (hasRealName(customer)) {
    const name = foldName(customer.name);
    // Searched by its longest word, so spacing and case between the two names do not matter.
    const word = name.split(' ').reduce((longest, w) => (w.length > longest.length ? w : longest), '');
    const page = await search.searchCustomers(workspaceId, word, 50);
    for (const other of page.items) if (foldName(other.name) === name && hasRealName(other)) add(other, 'name');
  }
  return [...found.values()].slice(0, limit);
}

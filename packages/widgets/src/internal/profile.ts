import { anonymousVisitorTag, customerDisplayName, type ChannelKind, type Customer } from '@casekit/protocol';
import { translate, translateIfKnown, type MessageKey } from '../i18n.ts';

/** One way to reach a customer, once: an email, a phone or a channel identity, with every channel it is known on. */
export interface ContactPoint {
  /** What is shown: `Visitor 3YJY` for an anonymous chat identity. */
  value: string;
  /** The stored value in full (the raw identity id), for a tooltip and the accessible name. */
  full: string;
  /** The channels it is known on, the first one drawn as its icon. */
  kinds: ChannelKind[];
}

/** One profile attribute, labelled for people. */
export interface ProfileDetail {
  key: string;
  label: string;
  value: string;
}

/** The attribute where a visitor's typed (unverified) email is kept. */
const CONTACT_EMAIL = 'contactEmail';
/** The prefix of what a visitor says about themselves (`visitor.plan`). */
const VISITOR_PREFIX = 'visitor.';

const digits = (phone: string) => phone.replace(/\D/g, '');

/** The name the profile shows: the protocol's rule, with "Visitor" in the reader's language. */
export function customerName(customer: Customer, lang: string): string {
  return customerDisplayName(customer, (tag) => translate(lang, 'case.visitor', { tag }).trim());
}

/**
 * The customer's contact points, each listed once: a profile email and the email identity with the
 * same address are one entry, as are a phone and its SMS or WhatsApp identities (`+4477…` / `4477…`).
 */
export function contactPoints(customer: Customer, lang: string): ContactPoint[] {
  const points: ContactPoint[] = [];
  const byKey = new Map<string, ContactPoint>();
  const add = (key: string, kind: ChannelKind, value: string, full = value) => {
    const known = byKey.get(key);
    if (known) {
      if (!known.kinds.includes(kind)) known.kinds.push(kind);
      return;
    }
    const point: ContactPoint = { value, full, kinds: [kind] };
    byKey.set(key, point);
    points.push(point);
  };
  for (const email of customer.emails) add(`email:${email.toLowerCase()}`, 'email', email);
  for (const phone of customer.phones) add(`phone:${digits(phone)}`, 'sms', phone);
  for (const { kind, externalId } of customer.identities) {
    if (kind === 'email') {
      add(`email:${externalId.toLowerCase()}`, kind, externalId);
    } else if ((kind === 'sms' || kind === 'whatsapp') && digits(externalId).length >= 6) {
      add(`phone:${digits(externalId)}`, kind, externalId.startsWith('+') ? externalId : `+${externalId}`, externalId);
    } else {
      const tag = anonymousVisitorTag(externalId);
      const shown = tag ? translate(lang, 'case.visitor', { tag }) : externalId.startsWith('user:') ? externalId.slice('user:'.length) : externalId;
      add(`${kind}:${externalId}`, kind, shown, externalId);
    }
  }
  return points;
}

/** `accountNumber`, `account_number` and `account-number` all read `Account number`; `VIPLevel` reads `VIP level`. */
function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean);
  const text = words.map((w) => (w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase())).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The label of an attribute key: the catalog's `attribute.<key>` where it has one, else the key humanized. */
function attributeLabel(key: string, lang: string): string {
  if (key.startsWith(VISITOR_PREFIX)) {
    return translate(lang, 'case.visitorFact', { label: attributeLabel(key.slice(VISITOR_PREFIX.length), lang) });
  }
  return translateIfKnown(lang, `attribute.${key}`) ?? humanizeKey(key);
}

function attributeValue(value: Customer['attributes'][string], lang: string): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'boolean') return translate(lang, value ? 'attribute.yes' : 'attribute.no');
  return String(value);
}

/**
 * The profile's attributes with human labels, in the reader's language. A typed contact email
 * that is already one of the profile's emails is left out: it would list the same address twice.
 */
export function profileDetails(customer: Customer, lang: string): ProfileDetail[] {
  const emails = new Set([...customer.emails, ...customer.identities.filter((i) => i.kind === 'email').map((i) => i.externalId)].map((e) => e.toLowerCase()));
  return Object.entries(customer.attributes)
    .filter(([key, value]) => !(key === CONTACT_EMAIL && typeof value === 'string' && emails.has(value.toLowerCase())))
    .map(([key, value]) => ({ key, label: attributeLabel(key, lang), value: attributeValue(value, lang) }));
}

/** The label of the channels a contact point is known on: `Email`, or `Phone, WhatsApp`. */
export function contactKinds(point: ContactPoint, lang: string): string {
  const key = (kind: ChannelKind): MessageKey => (kind === 'sms' ? 'case.phones' : kind === 'email' ? 'case.emails' : `channel.${kind}`);
  return [...new Set(point.kinds.map((kind) => translate(lang, key(kind))))].join(', ');
}

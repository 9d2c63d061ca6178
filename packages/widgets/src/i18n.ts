import type { ChatMessageKey } from './internal/messages-chat.ts';
import type { AgentMessageKey } from './internal/messages-agent.ts';
import type { AttachMessageKey } from './internal/messages-attach.ts';
import type { ErrorMessageKey } from './internal/messages-errors.ts';
import type { AdminMessageKey } from './internal/messages-admin.ts';
import type { SlaMessageKey } from './internal/messages-sla.ts';
import type { BillingMessageKey } from './internal/messages-billing.ts';
import { formatCount, ordinalCategory, pluralCategory } from './internal/format.ts';

/**
 * A tiny message catalog. Each widget reads its language from its own `lang` attribute,
 * then the nearest ancestor's, then the browser's; hosts add languages with `registerMessages`.
 * English and Spanish ship in messages-chat.ts, messages-agent.ts and messages-admin.ts, so the customer chat
 * does not carry the agent widgets' strings.
 */

/** Message keys every catalog provides. */
export type MessageKey = ChatMessageKey | AgentMessageKey | AttachMessageKey | ErrorMessageKey | AdminMessageKey | SlaMessageKey | BillingMessageKey;

/**
 * Keys of strings with a count in them. Each has a `.other` form and whichever other plural
 * categories its language uses (`Intl.PluralRules`): `inbox.count.one`, `inbox.count.other`…
 */
export type PluralKey = { [K in MessageKey]: K extends `${infer Base}.other` ? Base : never }[MessageKey];

/** The plural categories English and Spanish do not use, for languages a host adds. */
type ExtraPluralForm = `${PluralKey}.${'zero' | 'two' | 'few' | 'many'}`;

/**
 * Every string a language provides; plural categories beyond `one` and `other` are optional, and
 * so are labels for a host's own customer attributes (`attribute.tariff`).
 */
export type Catalog = Record<MessageKey, string> & Partial<Record<ExtraPluralForm | `attribute.${string}`, string>>;

const catalogs = new Map<string, Partial<Catalog>>();

/**
 * Adds or extends a language; missing keys fall back to English.
 * @example registerMessages('de', { 'chat.send': 'Senden' })
 */
export function registerMessages(lang: string, messages: Partial<Catalog>): void {
  const key = lang.toLowerCase();
  catalogs.set(key, { ...catalogs.get(key), ...messages });
}

/** Adds the strings of a module that loads later, keeping whatever a host registered already. */
export function registerDefaults(lang: string, messages: Partial<Catalog>): void {
  const key = lang.toLowerCase();
  catalogs.set(key, { ...messages, ...catalogs.get(key) });
}

/** The keys registered for `lang` itself, without falling back: to check a catalog is complete. */
export function catalogKeys(lang: string): string[] {
  return Object.keys(catalogs.get(lang.toLowerCase()) ?? {});
}

/** The language an element speaks: its own `lang`, the nearest ancestor's, then the browser's. */
export function resolveLang(el: Element): string {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.getAttribute('lang')) return node.getAttribute('lang')!;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return navigator.language || 'en';
}

/** The text of `key` in `lang`, its base language (`es-MX` → `es`), or English; undefined when none has it. */
function lookup(lang: string, key: keyof Catalog): string | undefined {
  const lower = lang.toLowerCase();
  return catalogs.get(lower)?.[key] ?? catalogs.get(lower.split('-')[0]!)?.[key] ?? catalogs.get('en')?.[key];
}

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/** The text of a key made at run time (`attribute.<key>`), or undefined when no catalog has it. */
export function translateIfKnown(lang: string, key: string): string | undefined {
  return lookup(lang, key as keyof Catalog);
}

/** Looks `key` up for `lang` (`es-MX` falls back to `es`, then English) and fills `{name}` slots. */
export function translate(lang: string, key: MessageKey, vars?: Record<string, string | number>): string {
  return fill(lookup(lang, key) ?? key, vars);
}

/**
 * A string with a count, in the plural form `lang` uses for it (`1 case`, `2 cases`); `{count}`
 * is the count formatted for `lang` unless `vars` gives it (`200+`).
 * @example translatePlural('es', 'inbox.count', 1) // '1 caso'
 */
export function translatePlural(lang: string, key: PluralKey, count: number, vars?: Record<string, string | number>): string {
  const text = lookup(lang, `${key}.${pluralCategory(count, lang)}` as keyof Catalog) ?? lookup(lang, `${key}.other`) ?? key;
  return fill(text, { count: formatCount(count, lang), ...vars });
}

/**
 * A string with a place in it (`2nd`), in the ordinal form `lang` uses: the `PluralKey`'s forms are
 * read as ordinal categories (English `one` 1st, `two` 2nd, `few` 3rd, `other` 4th).
 * @example translateOrdinal('en', 'chat.place', 2) // 'You are 2nd in line'
 */
export function translateOrdinal(lang: string, key: PluralKey, n: number): string {
  const text = lookup(lang, `${key}.${ordinalCategory(n, lang)}` as keyof Catalog) ?? lookup(lang, `${key}.other`) ?? key;
  return fill(text, { count: formatCount(n, lang) });
}

/** Something thrown with an error `code`, like the SDK's `CasekitApiError`. */
function codeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What to tell the reader about a failed call: the localized text for its error code
 * (`error.<code>`, or the key `overrides` names for that code), with the server's own message in
 * its `{message}` slot where it has one; the server's message alone for a code without text.
 * @example errorMessage('es', err, { unauthorized: 'workbench.signInFailed' })
 */
export function errorMessage(lang: string, err: unknown, overrides: Partial<Record<string, MessageKey>> = {}): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  const key = code === undefined ? undefined : (overrides[code] ?? (`error.${code}` as MessageKey));
  const text = key === undefined ? undefined : lookup(lang, key);
  return text === undefined ? message : fill(text, { message });
}

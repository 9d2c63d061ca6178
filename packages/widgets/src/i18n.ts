import type { ChatMessageKey } from './internal/messages-chat.ts';
import type { AgentMessageKey } from './internal/messages-agent.ts';
import type { AttachMessageKey } from './internal/messages-attach.ts';

/**
 * A tiny message catalog. Each widget reads its language from its own `lang` attribute,
 * then the nearest ancestor's, then the browser's; hosts add languages with `registerMessages`.
 * English and Spanish ship in messages-chat.ts and messages-agent.ts, so the customer chat
 * does not carry the agent widgets' strings.
 */

/** Message keys every catalog provides. */
export type MessageKey = ChatMessageKey | AgentMessageKey | AttachMessageKey;
export type Catalog = Record<MessageKey, string>;

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

/** The language an element speaks: its own `lang`, the nearest ancestor's, then the browser's. */
export function resolveLang(el: Element): string {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.getAttribute('lang')) return node.getAttribute('lang')!;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return navigator.language || 'en';
}

/** Looks `key` up for `lang` (`es-MX` falls back to `es`, then English) and fills `{name}` slots. */
export function translate(lang: string, key: MessageKey, vars?: Record<string, string | number>): string {
  const lower = lang.toLowerCase();
  const text = catalogs.get(lower)?.[key] ?? catalogs.get(lower.split('-')[0]!)?.[key] ?? catalogs.get('en')?.[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

/** One Intl object per language, made once; English where the language tag is not valid. */
function perLanguage<T>(map: Map<string, T>, lang: string, make: (lang: string) => T): T {
  let f = map.get(lang);
  if (!f) {
    try {
      f = make(lang);
    } catch {
      f = make('en');
    }
    map.set(lang, f);
  }
  return f;
}

/** Short, locale-aware times for message lists. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, lang: string, options: Intl.DateTimeFormatOptions) {
  return perLanguage(map, lang, (l) => new Intl.DateTimeFormat(l, options));
}

/** `14:05` today, `12 Mar` before. */
export function formatTime(iso: string, lang: string, now = Date.now()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const n = new Date(now);
  const sameDay = n.getDate() === d.getDate() && n.getMonth() === d.getMonth() && n.getFullYear() === d.getFullYear();
  return sameDay
    ? cached(timeFormats, lang, { hour: 'numeric', minute: '2-digit' }).format(d)
    : cached(dayFormats, lang, { day: 'numeric', month: 'short' }).format(d);
}

const fullFormats = new Map<string, Intl.DateTimeFormat>();

/** Full date and time for `title` tooltips and `<time>`. */
export function formatFull(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return cached(fullFormats, lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

/** Only http(s) and relative links are clickable; anything else (`javascript:`) becomes `#`. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : '#';
  } catch {
    return '#';
  }
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** `10,000` / `10.000`: a count in the reader's language (formatters are cached). */
export function formatCount(n: number, lang: string): string {
  return perLanguage(numberFormats, lang, (l) => new Intl.NumberFormat(l)).format(n);
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The plural category (`one`, `few`, `other`…) `lang` puts the count `n` in. */
export function pluralCategory(n: number, lang: string): Intl.LDMLPluralRule {
  return perLanguage(pluralRules, lang, (l) => new Intl.PluralRules(l)).select(n);
}

const ordinalRules = new Map<string, Intl.PluralRules>();

/** The ordinal category (`one` for 1st, `two` for 2nd, `few` for 3rd, `other`) `lang` puts `n` in. */
export function ordinalCategory(n: number, lang: string): Intl.LDMLPluralRule {
  return perLanguage(ordinalRules, lang, (l) => new Intl.PluralRules(l, { type: 'ordinal' })).select(n);
}

/** Seconds elapsed as a ticking clock: `4:05`, `1:02:09`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

const unitFormats = new Map<string, Intl.NumberFormat>();
const unit = (n: number, name: 'minute' | 'hour' | 'day', lang: string) =>
  perLanguage(unitFormats, `${lang}|${name}`, (key) => new Intl.NumberFormat(key.split('|')[0], { style: 'unit', unit: name, unitDisplay: 'short' })).format(n);

/** `32 min`, `2 hr 5 min`, `3 days 4 hr`: whole minutes as a short duration in the reader's language. */
export function formatMinutes(minutes: number, lang: string): string {
  if (minutes < 60) return unit(minutes, 'minute', lang);
  if (minutes < 24 * 60) {
    const [h, m] = [Math.floor(minutes / 60), minutes % 60];
    return m ? `${unit(h, 'hour', lang)} ${unit(m, 'minute', lang)}` : unit(h, 'hour', lang);
  }
  const [d, h] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60)];
  return h ? `${unit(d, 'day', lang)} ${unit(h, 'hour', lang)}` : unit(d, 'day', lang);
}

const dayOnlyFormats = new Map<string, Intl.DateTimeFormat>();

/** A calendar day (`2026-12-03`) as the reader writes it (`3 Dec 2026`), without a time zone shift. */
export function formatDay(day: string, lang: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return cached(dayOnlyFormats, lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

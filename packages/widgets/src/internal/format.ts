/** Short, locale-aware times for message lists. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, lang: string, options: Intl.DateTimeFormatOptions) {
  let f = map.get(lang);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(lang, options);
    } catch {
      f = new Intl.DateTimeFormat('en', options);
    }
    map.set(lang, f);
  }
  return f;
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
  let f = numberFormats.get(lang);
  if (!f) {
    try {
      f = new Intl.NumberFormat(lang);
    } catch {
      f = new Intl.NumberFormat('en');
    }
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

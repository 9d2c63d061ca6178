import { readdirSync, readFileSync } from 'node:fs';

// Real MIME messages from public mail-parsing projects (their README and manifest name each
// source and licence): Outlook, Gmail, Apple Mail, Thunderbird, Yahoo, mailing lists, old
// charsets, an auto-reply, a message without a Message-ID.
const DIR = new URL('../../fixtures/email-samples/', import.meta.url);

/** The file names of the sample messages (`001-mail-parser-outlook-base64-latin1.eml` …), in order. */
export const EMAIL_SAMPLE_NAMES: readonly string[] = readdirSync(DIR)
  .filter((name) => name.endsWith('.eml'))
  .sort();

/** The raw bytes of one sample message. */
export function emailSample(name: string): Buffer {
  return readFileSync(new URL(name, DIR));
}

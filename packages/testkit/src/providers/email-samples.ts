import { existsSync, readdirSync, readFileSync } from 'node:fs';

// Real MIME messages from public mail-parsing projects (their README and manifest name each
// source and licence): Outlook, Gmail, Apple Mail, Thunderbird, Yahoo, mailing lists, old
// charsets, an auto-reply, a message without a Message-ID.

/** The folder of the samples, from the sources (`src/providers/`) or the build (`dist/`). */
function samplesDir(): URL {
  for (const relative of ['../../fixtures/email-samples/', '../fixtures/email-samples/']) {
    const dir = new URL(relative, import.meta.url);
    if (existsSync(dir)) return dir;
  }
  throw new Error('The email samples of @casekit/testkit are missing (its fixtures/ folder).');
}

/** The file names of the sample messages (`001-mail-parser-outlook-base64-latin1.eml` …), in order. */
export function emailSampleNames(): string[] {
  return readdirSync(samplesDir())
    .filter((name) => name.endsWith('.eml'))
    .sort();
}

/** The raw bytes of one sample message. */
export function emailSample(name: string): Buffer {
  return readFileSync(new URL(name, samplesDir()));
}

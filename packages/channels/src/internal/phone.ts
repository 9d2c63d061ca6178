import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** A phone number in E.164 (`+14155550100`), or undefined when it is not a valid number. */
export function toE164(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const digits = raw.trim().replace(/^whatsapp:/i, '');
  const parsed = parsePhoneNumberFromString(digits.startsWith('+') ? digits : `+${digits}`);
  return parsed?.isValid() ? parsed.number : undefined;
}

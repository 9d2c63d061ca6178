import { ChannelPayloadError } from '@casekit/core';
import type { WebhookRequest } from '@casekit/core';
import type { z } from 'zod';

// Inbound-parse posts are urlencoded or multipart. Fields are kept as bytes: a raw MIME field
// must reach the MIME parser unchanged, and SendGrid names each text field's charset separately.

/** One form field or file. */
interface FormPart {
  name: string;
  data: Uint8Array;
  filename?: string;
  contentType?: string;
}

/** A parsed form: the first part of each name, and every part in order. */
export interface Form {
  parts: FormPart[];
  get(name: string): FormPart | undefined;
  /** A field as text (UTF-8 unless a charset is given); undefined when absent. */
  text(name: string, charset?: string): string | undefined;
}

const MAX_PARTS = 1000;

/** Reads an urlencoded or multipart body; throws when it is neither or cannot be split. */
export function readForm(request: WebhookRequest): Form {
  const contentType = request.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) return toForm(parseMultipart(request.body, contentType));
  if (/^application\/x-www-form-urlencoded/i.test(contentType) || contentType === '') return toForm(parseUrlEncoded(request.body));
  throw new Error(`unexpected content type ${contentType}`);
}

function toForm(parts: FormPart[]): Form {
  const get = (name: string): FormPart | undefined => parts.find((part) => part.name === name);
  return {
    parts,
    get,
    text(name, charset) {
      const part = get(name);
      return part ? decodeText(part.data, charset) : undefined;
    },
  };
}

/** Bytes as text in a named charset, UTF-8 when it is unknown. */
function decodeText(data: Uint8Array, charset?: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(data);
  } catch {
    return new TextDecoder('utf-8').decode(data);
  }
}

function parseUrlEncoded(body: Uint8Array): FormPart[] {
  const source = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const parts: FormPart[] = [];
  for (const pair of source.split('&')) {
    if (!pair) continue;
    if (parts.length === MAX_PARTS) throw new Error('too many form fields');
    const eq = pair.indexOf('=');
    const name = decodeText(percentDecode(eq < 0 ? pair : pair.slice(0, eq)));
    parts.push({ name, data: percentDecode(eq < 0 ? '' : pair.slice(eq + 1)) });
  }
  return parts;
}

function percentDecode(value: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i]!;
    const hex = value.slice(i + 1, i + 3);
    if (ch === '%' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(ch === '+' ? 0x20 : ch.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(bytes);
}

function parseMultipart(body: Uint8Array, contentType: string): FormPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new Error('multipart body without a boundary');
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: FormPart[] = [];
  let position = buffer.indexOf(delimiter);
  if (position < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    position += delimiter.length;
    if (buffer.subarray(position, position + 2).toString('latin1') === '--') return parts;
    position = skipLineBreak(buffer, position);
    const headerEnd = buffer.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const headers = buffer.subarray(position, headerEnd).toString('utf8');
    const start = headerEnd + 4;
    const next = buffer.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw new Error('multipart body is cut short');
    if (parts.length === MAX_PARTS) throw new Error('too many form fields');
    parts.push(partOf(headers, buffer.subarray(start, next)));
    position = next + 2;
  }
}

function skipLineBreak(buffer: Buffer, position: number): number {
  if (buffer[position] === 0x0d && buffer[position + 1] === 0x0a) return position + 2;
  return buffer[position] === 0x0a ? position + 1 : position;
}

function partOf(headers: string, data: Uint8Array): FormPart {
  const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
  const contentType = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim();
  const part: FormPart = { name: parameter(disposition, 'name') ?? '', data: new Uint8Array(data) };
  const filename = parameter(disposition, 'filename');
  if (filename !== undefined) part.filename = filename;
  if (contentType) part.contentType = contentType;
  return part;
}

function parameter(header: string, name: string): string | undefined {
  const extended = new RegExp(`;\\s*${name}\\*=([^']*)'[^']*'([^;\\s]+)`, 'i').exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2]!);
    } catch {
      return extended[2];
    }
  }
  const quoted = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  return new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header)?.[1];
}

/** A JSON field checked against a schema; a body that breaks it is a `ChannelPayloadError`. */
export function jsonField<T>(form: Form, name: string, schema: z.ZodType<T>, provider: string): T | undefined {
  const raw = form.text(name);
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ChannelPayloadError(`${provider} field ${name} is not JSON.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ChannelPayloadError(`${provider} field ${name} has an unexpected shape.`);
  return parsed.data;
}

import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { buildMime } from './email-mime.ts';
import type { InboundMail } from './email-mime.ts';

// A real SMTP server on 127.0.0.1 standing in for a customer's relay (what the adapter sends
// through), and a minimal SMTP client that delivers a message to casekit's listener.

/** One message the sink accepted, parsed. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** Header values by lower-case name (first occurrence, unfolded, not decoded). */
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string | undefined;
  attachments: { filename: string | undefined; contentType: string; content: Buffer }[];
  raw: Buffer;
  /** The credentials the client logged in with, when the sink asks for them. */
  user: string | undefined;
}

export interface SmtpSink {
  port: number;
  /** Accepted messages, oldest first. */
  messages: SinkMessage[];
  /** Answers the next `count` messages with `code` (4xx temporary, 5xx permanent) instead of 250. */
  failNext(count: number, code: number, reply?: string): void;
  close(): Promise<void>;
}

/**
 * Starts an SMTP relay on 127.0.0.1 that records what it receives. With `user` and `password`
 * it requires AUTH (PLAIN/LOGIN over plain text, as a relay on loopback may); no STARTTLS.
 */
export async function startSmtpSink(options: { user?: string; password?: string } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const failures: { code: number; reply: string }[] = [];
  const requireAuth = options.user !== undefined;
  const server = new SMTPServer({
    authOptional: !requireAuth,
    allowInsecureAuth: true,
    disabledCommands: requireAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) return callback(Object.assign(new Error(failure.reply), { responseCode: failure.code }));
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { keepCidLinks: true }).then(
          (parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines) headers[key] ??= line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]*/g, ' ').trim();
            const mailFrom = session.envelope.mailFrom;
            messages.push({
              envelope: { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
              headers,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              attachments: parsed.attachments.map((file) => ({ filename: file.filename, contentType: file.contentType, content: file.content })),
              raw,
              user: typeof session.user === 'string' ? session.user : undefined,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    const listening = server.listen(0, '127.0.0.1');
    listening.once('listening', () => resolve());
    listening.once('error', reject);
  });
  server.on('error', () => {});
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    failNext(count, code, reply) {
      const text = reply ?? (code < 500 ? '4.3.0 Temporary failure, try again later' : '5.7.1 Message rejected');
      for (let i = 0; i < count; i += 1) failures.push({ code, reply: text });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the listener answered a delivery: its last reply, and the recipients it refused. */
export interface SmtpDelivery {
  /** True when the message was accepted (250 after DATA). */
  accepted: boolean;
  code: number;
  reply: string;
  rejected: { recipient: string; code: number; reply: string }[];
}

/**
 * Delivers one message to an SMTP server on 127.0.0.1 the way a sending mail server does
 * (EHLO, MAIL FROM, RCPT TO, DATA), from a raw MIME message or one built from fields.
 */
export async function sendSmtp(port: number, message: { from: string; to: string[]; raw?: Uint8Array | string; mail?: InboundMail }): Promise<SmtpDelivery> {
  const raw = message.raw !== undefined ? Buffer.from(typeof message.raw === 'string' ? Buffer.from(message.raw, 'latin1') : message.raw) : Buffer.from(buildMime(message.mail!), 'latin1');
  const socket = connect(port, '127.0.0.1');
  socket.setTimeout(10_000, () => socket.destroy(new Error('SMTP client timed out')));
  const replies = replyReader(socket);
  const command = async (line: string | Buffer): Promise<{ code: number; reply: string }> => {
    socket.write(line);
    return replies.next();
  };
  try {
    await replies.next();
    await command('EHLO client.customer.example\r\n');
    let last = await command(`MAIL FROM:<${message.from}>\r\n`);
    const rejected: SmtpDelivery['rejected'] = [];
    let accepted = 0;
    if (last.code === 250) {
      for (const recipient of message.to) {
        last = await command(`RCPT TO:<${recipient}>\r\n`);
        if (last.code >= 200 && last.code < 300) accepted += 1;
        else rejected.push({ recipient, code: last.code, reply: last.reply });
      }
    }
    if (accepted === 0) {
      await command('QUIT\r\n');
      return { accepted: false, code: last.code, reply: last.reply, rejected };
    }
    const data = await command('DATA\r\n');
    if (data.code !== 354) return { accepted: false, code: data.code, reply: data.reply, rejected };
    const body = raw.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const result = await command(Buffer.from(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    await command('QUIT\r\n').catch(() => undefined);
    return { accepted: result.code === 250, code: result.code, reply: result.reply, rejected };
  } finally {
    socket.destroy();
  }
}

/** Reads SMTP replies (multi-line ones joined) from a socket, one per `next()`. */
function replyReader(socket: ReturnType<typeof connect>): { next(): Promise<{ code: number; reply: string }> } {
  let buffer = '';
  const ready: { code: number; reply: string }[] = [];
  const waiting: { resolve: (reply: { code: number; reply: string }) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  let lines: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), reply: lines.map((part) => part.slice(4)).join('\n') };
        lines = [];
        const waiter = waiting.shift();
        if (waiter) waiter.resolve(reply);
        else ready.push(reply);
      }
      newline = buffer.indexOf('\n');
    }
  });
  const fail = (error: Error): void => {
    failure = error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('SMTP connection closed')));
  return {
    next() {
      const reply = ready.shift();
      if (reply) return Promise.resolve(reply);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

import { ChannelPayloadError } from '@casekit/core';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

// An inbound MX for the email channels: it takes mail for the addresses a route knows, and says
// 250 only once the message is stored, so a sender never drops mail we did not keep.
// No AUTH (senders are other mail servers). STARTTLS is offered only when a key and certificate
// are given; without them the listener speaks plain SMTP (put it behind a TLS-terminating relay,
// or give it a certificate, before exposing it on port 25).

/** The SMTP envelope of one delivery: the MAIL FROM (`''` for a bounce) and the recipients it was for. */
export interface SmtpEnvelope {
  from: string;
  to: string[];
  remoteAddress: string;
}

export interface SmtpListenerOptions<Channel> {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  /** Largest message accepted, in bytes; bigger ones are refused with 552. */
  maxBytes: number;
  /** The channel a recipient address belongs to, or null to refuse it with 550. */
  route(recipient: string): Channel | null | Promise<Channel | null>;
  /** Stores one message for one channel; its promise settles before the sender gets 250 (or 451 when it rejects). */
  onMessage(channel: Channel, raw: Uint8Array, envelope: SmtpEnvelope): Promise<void>;
  /** The name in the greeting and EHLO reply. */
  hostname?: string;
  /** PEM key and certificate: STARTTLS is offered only with both. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** A running listener. */
export interface SmtpListener {
  /** The port it is bound to. */
  port: number;
  /** Stops accepting connections and waits for the open ones to finish. */
  close(): Promise<void>;
}

interface RoutedSession extends SMTPServerSession {
  routes?: Map<unknown, { channel: unknown; recipients: string[] }>;
}

/** Whether storing failed for a reason a retry cannot cure: an unreadable message, or a refusal (4xx) of the engine. */
function isPermanent(error: unknown): boolean {
  if (error instanceof ChannelPayloadError) return true;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Starts an SMTP server that accepts mail only for recipients `route` knows (550 otherwise),
 * refuses messages over `maxBytes` (552), and answers 250 after `onMessage` resolved (451 when
 * it throws, so the sending server tries again later).
 * @example const smtp = await createSmtpListener({ port: 25, maxBytes: 25e6, route, onMessage });
 */
export async function createSmtpListener<Channel>(options: SmtpListenerOptions<Channel>): Promise<SmtpListener> {
  const server = new SMTPServer({
    name: options.hostname,
    banner: 'casekit',
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disableReverseLookup: true,
    logger: false,
    socketTimeout: 60_000,
    closeTimeout: 30_000,
    onRcptTo(address: SMTPServerAddress, session: RoutedSession, callback: (error?: Error | null) => void) {
      const recipient = address.address.trim().toLowerCase();
      Promise.resolve()
        .then(() => options.route(recipient))
        .then(
          (channel) => {
            if (channel === null || channel === undefined) return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
            session.routes ??= new Map();
            const key = channelKey(channel);
            const route = session.routes.get(key) ?? { channel, recipients: [] };
            route.recipients.push(recipient);
            session.routes.set(key, route);
            callback();
          },
          () => callback(smtpError(451, '4.3.0 Cannot look up the recipient right now, try again later')),
        );
    },
    onData(stream: SMTPServerDataStream, session: RoutedSession, callback: (error?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 Message is larger than ${options.maxBytes} bytes`));
        const raw = new Uint8Array(Buffer.concat(chunks));
        const mailFrom = session.envelope.mailFrom;
        const from = mailFrom ? mailFrom.address : '';
        const routes = [...(session.routes?.values() ?? [])];
        Promise.all(
          routes.map((route) => options.onMessage(route.channel as Channel, raw, { from, to: route.recipients, remoteAddress: session.remoteAddress })),
        ).then(
          () => callback(),
          // A message that can never be read or taken is refused for good; anything else may pass.
          (error: unknown) =>
            callback(
              isPermanent(error)
                ? smtpError(554, `5.6.0 The message was refused: ${error instanceof Error ? error.message.slice(0, 200) : 'unreadable'}`)
                : smtpError(451, '4.3.0 The message could not be stored, try again later'),
            ),
        );
      });
    },
    onMailFrom(_address, session: RoutedSession, callback) {
      session.routes = new Map();
      callback();
    },
  });
  await new Promise<void>((resolve, reject) => {
    const listening = server.listen(options.port, options.host ?? '127.0.0.1');
    listening.once('listening', () => resolve());
    listening.once('error', reject);
  });
  server.on('error', () => {
    // A broken client connection is reported here; the server keeps serving the others.
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Groups recipients by channel: by `id` when the channel has one, else by identity. */
function channelKey(channel: unknown): unknown {
  if (typeof channel === 'object' && channel !== null && 'id' in channel && typeof channel.id === 'string') return `id:${channel.id}`;
  return channel;
}

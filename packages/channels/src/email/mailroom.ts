import type { ChannelRecord, InboundEvent } from '@casekit/core';
import { parseMime } from './mime.ts';
import { createSmtpListener, type SmtpListener } from './smtp-listener.ts';

export interface MailroomOptions {
  /** 0 picks a free port (tests); 25 or 2525 behind a forward in production. */
  port: number;
  /** Default 127.0.0.1; `0.0.0.0` to take mail from other hosts. */
  host?: string;
  /** Largest message accepted, in bytes (default 30 MB, an email with attachments). */
  maxBytes?: number;
  /** The workspace's channels as they are now; email channels with `inbound: "smtp"` take mail. */
  channels(): Promise<ChannelRecord[]>;
  /** Stores what arrived (the webhook runner's `receive`): the sender hears 250 only after it resolved. */
  receive(channel: ChannelRecord, events: readonly InboundEvent[]): Promise<void>;
  now?: () => Date;
}

/** The channel a recipient belongs to: its support address, or a `reply+<token>@` address at its domain. */
function routeOf(channels: readonly ChannelRecord[], recipient: string): ChannelRecord | null {
  const smtp = channels.filter((c) => c.kind === 'email' && c.enabled && c.config.inbound === 'smtp');
  const exact = smtp.find((c) => c.config.address === recipient);
  if (exact) return exact;
  const token = /^reply\+[^@]+@(.+)$/.exec(recipient);
  return token ? (smtp.find((c) => String(c.config.address).split('@')[1] === token[1]) ?? null) : null;
}

/**
 * casekit's own SMTP listener for email channels: each mail is routed by its envelope recipient
 * (RCPT TO) to the channel with that address, parsed, threaded and stored before the sending
 * server hears 250; an unknown recipient is refused with 550, a failure to store with 451.
 * @example const mail = await startMailroom({ port: 2525, channels: () => store.listChannels(ws), receive: server.webhooks.receive })
 */
export function startMailroom(options: MailroomOptions): Promise<SmtpListener> {
  return createSmtpListener<ChannelRecord>({
    port: options.port,
    ...(options.host && { host: options.host }),
    maxBytes: options.maxBytes ?? 30 * 1024 * 1024,
    route: async (recipient) => routeOf(await options.channels(), recipient),
    onMessage: async (channel, raw, envelope) => {
      const event = await parseMime(raw, { address: String(channel.config.address), envelope, now: options.now?.() ?? new Date() });
      await options.receive(channel, [event]);
    },
  });
}

import type { Attachment, ChannelCapabilities, ChannelField, ChannelKind, ChannelTestResult, Conversation, DeliveryStatus, Message } from '@casekit/protocol';

export type { ChannelCapabilities, ChannelField, ChannelTestResult };

// The port every channel provider plugs into. An adapter is pure protocol: it checks a webhook's
// signature over the raw bytes, turns the body into normalized events, and sends one message
// through the provider's API. It never writes state; the webhook runner hands its events to the
// engine, and the outbox worker records what `send` answered.

/** A webhook request as it arrived, before anything is parsed. */
export interface WebhookRequest {
  method: string;
  /**
   * The URL the provider was given for this channel (`${CASEKIT_PUBLIC_URL}/webhooks/<id>`) with
   * the query string that arrived. Signatures are checked against it, never against the Host header.
   */
  url: string;
  /** Header names in lower case; a repeated header is joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received: verification reads these bytes before anything parses them. */
  body: Uint8Array;
}

/** What the webhook answers the provider. */
export interface WebhookReply {
  status: number;
  contentType?: string;
  body?: string;
}

/** A verdict on a request's signature; `status` is what the provider is answered (401 or 403). */
export type Verification = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** A file that came with an inbound message: by reference, or its bytes when the provider sends them inline. */
export interface InboundAttachment {
  name: string;
  contentType: string;
  size?: number;
  /** Where the provider keeps it (Twilio's MediaUrl, a Graph media id as `meta-media:<id>`…). */
  url?: string;
  /** The file itself, when the request carries it (email, inbound-parse posts). */
  content?: Uint8Array;
}

/** A message a customer sent, as the provider described it. */
export interface InboundMessageEvent {
  type: 'message';
  /** The provider's id of the message; a repeat is a duplicate and stores nothing. */
  providerMessageId: string;
  /** The sender: their id on this channel and what the provider tells about them. */
  from: { externalId: string; name?: string; email?: string; phone?: string };
  text: string;
  /** Email: the sanitized HTML body beside the text. */
  html?: string;
  /** Email: the subject line. */
  subject?: string;
  /** Headers kept for threading and display (email `message-id`, `in-reply-to`, `references`…), names in lower case. */
  headers?: Record<string, string>;
  /**
   * Provider ids of earlier messages this one answers, nearest first (email `In-Reply-To`, then
   * `References` newest to oldest; a chat reply's quoted id). The first one that is stored threads it.
   */
  references?: string[];
  /** A conversation id carried by a reply-to address (`reply+<token>@…`), when references do not thread. */
  replyToken?: string;
  /** A thread key of the provider (a group chat's id) that groups messages into one conversation. */
  threadKey?: string;
  /** True when nothing threads it into an earlier conversation and it must not join the customer's open case (email: a new subject). */
  newTopic?: boolean;
  /** Auto-replies and bounces: kept on their thread, but they never reopen a case or get an answer. */
  automated?: boolean;
  attachments: InboundAttachment[];
  /** When the provider says it was sent (ISO 8601). */
  sentAt?: string;
}

/** A delivery or read receipt for a message we sent. Statuses only ever move forward. */
export interface DeliveryStatusEvent {
  type: 'status';
  /** The id `send` returned for the message. */
  providerMessageId: string;
  status: Extract<DeliveryStatus, 'sent' | 'delivered' | 'read' | 'failed'>;
  error?: { code: string; reason: string };
}

export type InboundEvent = InboundMessageEvent | DeliveryStatusEvent;

/** What a webhook request carried, and what to answer. */
export interface ParsedWebhook {
  events: InboundEvent[];
  /** The answer the provider expects (Twilio: empty TwiML); default 200 with no body. */
  reply?: WebhookReply;
}

/** A channel as its adapter sees it: configuration and decrypted secrets. */
export interface ChannelRuntime<Config extends object = object, Secrets extends object = object> {
  channel: { id: string; workspaceId: string; kind: string; name: string; config: Config; secrets: Secrets };
  /** Where this channel's webhooks arrive: `${CASEKIT_PUBLIC_URL}/webhooks/<id>`. */
  webhookUrl: string;
  /** The server's public base URL (origin and mount path, no `/api/v1`). */
  publicUrl: string;
  /** HTTP for provider APIs; tests pass one that talks to the fakes on loopback. */
  fetch: typeof fetch;
  now(): Date;
}

/** A reply to deliver, with what the adapter needs to address and thread it. */
export interface OutboundMessage {
  message: Message;
  conversation: Conversation;
  /** The customer on this channel: their channel id, and email or phone when known. */
  to: { externalId: string; name?: string; email?: string; phone?: string };
  /** The newest inbound message of the conversation (email headers to answer, the reply window). */
  lastInbound: Message | null;
  /** Files of the message as bytes, for providers that take uploads rather than URLs. */
  loadAttachment?: (attachment: Attachment) => Promise<Uint8Array>;
}

export interface SendResult {
  /** The provider's id for the message: stored, so later status callbacks find it. */
  providerMessageId: string;
  /** Headers the message went out with (email `message-id`), kept on the message for threading. */
  headers?: Record<string, string>;
}

/**
 * A send that did not go out. `retryable` errors (timeouts, 5xx, 429) are tried again with
 * backoff; permanent ones (a bad number, a closed window, a revoked token) fail the message with
 * the provider's code and reason.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly options: { retryable: boolean; code: string; retryAfterMs?: number };
  constructor(message: string, options: { retryable: boolean; code: string; retryAfterMs?: number }) {
    super(message);
    this.options = options;
  }
  get retryable(): boolean {
    return this.options.retryable;
  }
  get code(): string {
    return this.options.code;
  }
}

/** Thrown by `validate` for a bad `config` or `secrets` field; the API answers 400 naming it. */
export class ChannelConfigError extends Error {
  override readonly name = 'ChannelConfigError';
  /** `config.accountSid`, `secrets.authToken`… */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** One provider, one kind of channel. */
export interface ChannelAdapter<Config extends object = object, Secrets extends object = object> {
  /** `twilio-sms`, `whatsapp-cloud`, `email`… */
  readonly kind: string;
  /** The kind of channel its messages travel on (`sms`, `whatsapp`, `email`…). */
  readonly medium: ChannelKind;
  readonly capabilities: ChannelCapabilities;
  readonly fields: { config: readonly ChannelField[]; secrets: readonly ChannelField[] };
  /** Checks and normalizes a channel's settings; throws `ChannelConfigError` naming the field. */
  validate(input: { config: unknown; secrets: unknown }): { config: Config; secrets: Secrets };
  /** Answers a GET (Meta's `hub.challenge`, X's CRC); null when the channel has none (405). */
  handshake?(request: WebhookRequest, runtime: ChannelRuntime<Config, Secrets>): WebhookReply | null;
  /** Checks the signature over the raw bytes in constant time, before anything is parsed. */
  verify(request: WebhookRequest, runtime: ChannelRuntime<Config, Secrets>): Verification | Promise<Verification>;
  /** Turns a verified request into events; throws `ChannelPayloadError` for a body it cannot read. */
  parse(request: WebhookRequest, runtime: ChannelRuntime<Config, Secrets>): ParsedWebhook | Promise<ParsedWebhook>;
  /** Sends one message; throws `DeliveryError` saying whether to try again. */
  send(outbound: OutboundMessage, runtime: ChannelRuntime<Config, Secrets>): Promise<SendResult>;
  /**
   * Fetches a file a customer's message carries by reference (the `url` its `parse` gave: Twilio's
   * MediaUrl, `meta-media:<id>`, `telegram-file:<id>`) with the channel's credentials, so agents
   * can open it. Throws `DeliveryError` (`retryable` as for sends) when the provider refuses.
   */
  fetchAttachment?(url: string, runtime: ChannelRuntime<Config, Secrets>): Promise<FetchedAttachment>;
  /**
   * Checks the channel's credentials and setup with one harmless authenticated call to the
   * provider (Twilio's account, the bot's `getMe`…), so an admin learns of a bad token before a
   * customer does. Never throws for the provider's answer: a failure is `ok: false`, naming the
   * field to fix; no message carries a secret.
   */
  check?(runtime: ChannelRuntime<Config, Secrets>): Promise<ChannelTestResult>;
}

/** A file fetched from a provider. */
export interface FetchedAttachment {
  bytes: Uint8Array;
  contentType: string;
}

/** A verified body the adapter cannot read: the webhook answers 400 and stores nothing. */
export class ChannelPayloadError extends Error {
  override readonly name = 'ChannelPayloadError';
}

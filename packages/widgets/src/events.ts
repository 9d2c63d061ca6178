import type { Case, ChannelDetails, Message } from '@casekit/protocol';
import type { PendingMessage } from '@casekit/sdk';

const init = { bubbles: true, composed: true } as const;

/** `<casekit-chat>` opened its panel. */
export class ChatOpenedEvent extends Event {
  static readonly eventName = 'casekit-chat-opened';
  constructor() {
    super(ChatOpenedEvent.eventName, init);
  }
}

/** `<casekit-chat>` closed its panel. */
export class ChatClosedEvent extends Event {
  static readonly eventName = 'casekit-chat-closed';
  constructor() {
    super(ChatClosedEvent.eventName, init);
  }
}

/** A message from the business (agent or bot) reached the visitor. */
export class MessageReceivedEvent extends Event {
  static readonly eventName = 'casekit-message-received';
  readonly message: Message;
  constructor(message: Message) {
    super(MessageReceivedEvent.eventName, init);
    this.message = message;
  }
}

/**
 * A message was handed to the SDK: `message` is the stored message, or the pending one kept in
 * the offline outbox. Agent widgets set `internal` for notes and `caseId`.
 */
export class MessageSentEvent extends Event {
  static readonly eventName = 'casekit-message-sent';
  readonly message: Message | PendingMessage;
  readonly caseId: string | null;
  readonly internal: boolean;
  constructor(message: Message | PendingMessage, options: { caseId?: string | null; internal?: boolean } = {}) {
    super(MessageSentEvent.eventName, init);
    this.message = message;
    this.caseId = options.caseId ?? null;
    this.internal = options.internal ?? false;
  }
}

/**
 * Request to send: fired before the composer or chat sends; call `preventDefault()` to veto
 * (e.g. a host-side profanity or PII check). `text` may be rewritten by the listener.
 */
export class MessageSendRequestEvent extends Event {
  static readonly eventName = 'casekit-message-send-request';
  text: string;
  readonly caseId: string | null;
  readonly internal: boolean;
  constructor(text: string, options: { caseId?: string | null; internal?: boolean } = {}) {
    super(MessageSendRequestEvent.eventName, { ...init, cancelable: true });
    this.text = text;
    this.caseId = options.caseId ?? null;
    this.internal = options.internal ?? false;
  }
}

/** A case was chosen in the inbox (click, Enter or Space). */
export class CaseSelectEvent extends Event {
  static readonly eventName = 'casekit-case-select';
  readonly caseId: string;
  readonly case: Case;
  constructor(kase: Case) {
    super(CaseSelectEvent.eventName, init);
    this.caseId = kase.id;
    this.case = kase;
  }
}

/**
 * Request to change a case: cancelable, fired by `<casekit-case>` before it calls `updateCase`.
 * `changes` is what would be sent (without `version`).
 */
export class CaseChangeRequestEvent extends Event {
  static readonly eventName = 'casekit-case-change-request';
  readonly caseId: string;
  readonly changes: Record<string, unknown>;
  constructor(caseId: string, changes: Record<string, unknown>) {
    super(CaseChangeRequestEvent.eventName, { ...init, cancelable: true });
    this.caseId = caseId;
    this.changes = changes;
  }
}

/** A case change was saved; `case` is the server's new version. */
export class CaseChangedEvent extends Event {
  static readonly eventName = 'casekit-case-changed';
  readonly case: Case;
  constructor(kase: Case) {
    super(CaseChangedEvent.eventName, init);
    this.case = kase;
  }
}

/** `<casekit-channel-settings>` created a channel or changed one; `channel` is the server's answer. */
export class ChannelSavedEvent extends Event {
  static readonly eventName = 'casekit-channel-saved';
  readonly channel: ChannelDetails;
  /** True for a new channel, false for a change (an edit, or enabled / disabled). */
  readonly created: boolean;
  constructor(channel: ChannelDetails, created: boolean) {
    super(ChannelSavedEvent.eventName, init);
    this.channel = channel;
    this.created = created;
  }
}

/**
 * Every event the widgets fire, by name: typed on elements, `document` and `window` alike, so a
 * listener anywhere up the tree gets the event's fields.
 * @example document.addEventListener('casekit-message-sent', (e) => console.log(e.caseId));
 */
export interface CasekitEventMap {
  'casekit-chat-opened': ChatOpenedEvent;
  'casekit-chat-closed': ChatClosedEvent;
  'casekit-message-received': MessageReceivedEvent;
  'casekit-message-sent': MessageSentEvent;
  'casekit-message-send-request': MessageSendRequestEvent;
  'casekit-case-select': CaseSelectEvent;
  'casekit-case-change-request': CaseChangeRequestEvent;
  'casekit-case-changed': CaseChangedEvent;
  'casekit-channel-saved': ChannelSavedEvent;
}

// The events bubble and are composed, so they reach `document` and `window` too.
declare global {
  interface HTMLElementEventMap extends CasekitEventMap {}
  interface DocumentEventMap extends CasekitEventMap {}
  interface WindowEventMap extends CasekitEventMap {}
}

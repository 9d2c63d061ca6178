// Type tests: checked by `pnpm typecheck`; a wrong type fails the build. Nothing here runs.
import type { Message } from '@casekit/protocol';
import type { PendingMessage } from '@casekit/sdk';
import './index.ts';
import type { CaseSelectEvent, MessageSendRequestEvent } from './index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_check?: T): void {}

// The guide's own listener, on document, window and any element.
document.addEventListener('casekit-message-sent', (e) => {
  expectType<Equal<typeof e.caseId, string | null>>();
  expectType<Equal<typeof e.message, Message | PendingMessage>>();
});
window.addEventListener('casekit-case-select', (e) => {
  expectType<Equal<typeof e, CaseSelectEvent>>();
  expectType<Equal<typeof e.caseId, string>>();
});
document.body.addEventListener('casekit-message-send-request', (e) => {
  expectType<Equal<typeof e, MessageSendRequestEvent>>();
  e.text = e.text.trim();
});
document.querySelector('casekit-chat')?.addEventListener('casekit-message-received', (e) => {
  expectType<Equal<typeof e.message, Message>>();
});
document.addEventListener('casekit-signed-in', (e) => {
  expectType<Equal<typeof e.token, string>>();
});
window.addEventListener('casekit-channel-saved', (e) => {
  expectType<Equal<typeof e.created, boolean>>();
});

// A name that is not one of ours stays a plain Event.
document.addEventListener('casekit-no-such-event', (e) => {
  expectType<Equal<typeof e, Event>>();
});

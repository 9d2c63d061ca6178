import { PRIORITIES, type Automation, type Case, type Conversation, type Message, type Priority } from '@casekit/protocol';
import { conditionHolds, type RuleFacts } from '@casekit/routing';
import { newId } from '../ids.ts';
import { previewOf, unique } from './context.ts';
import { outboundStatus } from './messages.ts';

/** What triggered the run, and what the automations see. */
export interface AutomationRun {
  trigger: Automation['on'];
  /** The case after the customer's message. */
  kase: Case;
  facts: RuleFacts;
  conversation: Conversation;
  /** Who a canned reply is from: the workspace's display name. */
  sender: string;
  at: string;
}

/** The case as the automations left it, and the replies and notes they wrote, oldest first. */
export interface AutomationResult {
  kase: Case;
  messages: Message[];
  /** Names of the automations that ran. */
  ran: string[];
}

const raise = (from: Priority, to: Priority | undefined): Priority => {
  const next = to ?? PRIORITIES[Math.min(PRIORITIES.indexOf(from) + 1, PRIORITIES.length - 1)]!;
  return PRIORITIES.indexOf(next) > PRIORITIES.indexOf(from) ? next : from;
};

/** A message the system writes on a case's conversation: an automation's reply or note, an integration's note. */
export function systemMessage(kase: Case, conversation: Conversation, input: { text: string; internal: boolean; authorName: string; at: string; clientMessageId?: string }): Message {
  return {
    id: newId('m'),
    workspaceId: kase.workspaceId,
    caseId: kase.id,
    conversationId: conversation.id,
    customerId: kase.customerId,
    channelId: conversation.channelId,
    channelKind: conversation.channelKind,
    direction: 'outbound',
    authorKind: 'system',
    authorId: null,
    authorName: input.authorName,
    internal: input.internal,
    text: input.text,
    attachments: [],
    providerMessageId: null,
    clientMessageId: input.clientMessageId ?? null,
    status: outboundStatus(input.internal, conversation.channelKind),
    createdAt: input.at,
  };
}

/**
 * Runs the automations for one trigger, in order, on the case a customer's message is about:
 * each whose condition holds applies its actions. Pure but for new ids: the caller writes the
 * case and the messages in the ingest's transaction, so a repeated message runs nothing twice.
 */
export function runAutomations(automations: readonly Automation[], run: AutomationRun): AutomationResult {
  let kase = run.kase;
  const messages: Message[] = [];
  const ran: string[] = [];
  const write = (text: string, internal: boolean): Message => systemMessage(kase, run.conversation, { text, internal, authorName: run.sender, at: run.at });
  for (const automation of automations) {
    if (automation.on !== run.trigger || (automation.when && !conditionHolds(automation.when, run.facts))) continue;
    ran.push(automation.name);
    for (const action of automation.actions) {
      switch (action.kind) {
        case 'set_team':
          kase = { ...kase, team: action.team };
          break;
        case 'add_tags':
          kase = { ...kase, tags: unique([...kase.tags, ...action.tags]) };
          break;
        case 'escalate':
          kase = { ...kase, priority: raise(kase.priority, action.priority) };
          break;
        case 'reply':
        case 'note': {
          const message = write(action.text, action.kind === 'note');
          messages.push(message);
          kase = {
            ...kase,
            messageCount: kase.messageCount + 1,
            ...(action.kind === 'reply' && { preview: previewOf(action.text) }),
          };
          break;
        }
      }
    }
  }
  return { kase, messages, ran };
}

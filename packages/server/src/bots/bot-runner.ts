import { BOT_ANSWER_TIMER_KIND, type AgentActor, type AgentRecord, type CaseEngine, type Clock, type HandoffInput, type Publisher, type Store, type TimerHandler } from '@casekit/core';
import type { CaseEvent, Message } from '@casekit/protocol';
import { errorText, type Logger } from '../types.ts';
import { postToBot } from './external-bot.ts';
import { replayRulesBot } from './rules-bot.ts';

export interface BotRunnerOptions {
  store: Store;
  engine: CaseEngine;
  workspaceId: string;
  logger: Logger;
  /** Base URL of `/api/v1` as external bots reach it, for the links they answer through. */
  apiUrl: () => string;
  /** HTTP to external bots (default: the global `fetch`). */
  fetch?: typeof fetch;
  clock?: Clock;
}

/** Answers customers on the cases bots hold; a `Publisher` of the server's committed events. */
export interface BotRunner extends Publisher {
  /** Runs the bot-answer timers (`BOT_ANSWER_TIMER_KIND`): give them to the server's timer worker. */
  timerHandlers: Readonly<Record<string, TimerHandler>>;
  /** Resolves once every message received so far has been dealt with. */
  idle(): Promise<void>;
}

/** Public messages of a case read to replay a rules bot or brief an external one. */
const MAX_CONVERSATION = 1000;
const PAGE = 200;

/**
 * Runs the bots: for each customer message on a case a bot holds, the rules bot's replies and
 * handoff go through the engine as the bot; an external bot gets the message posted (signed) and
 * has its timeout to reply or hand off through the API, or the case is handed off for it. One
 * case's messages are dealt with in order; replies carry client ids made from the customer's
 * message, so nothing is ever answered twice.
 * Timeouts are durable timers (`engine.awaitBotAnswer`), run by whichever node claims them.
 */
export function createBotRunner(options: BotRunnerOptions): BotRunner {
  // `options.engine` is read when used: a server makes its engine after its publishers.
  const { store, workspaceId, logger } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const http = options.fetch ?? fetch;
  const queues = new Map<string, Promise<void>>();
  const system = { workspaceId, system: 'bots' } as const;

  async function publicMessages(caseId: string): Promise<Message[]> {
    const messages: Message[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listMessages(workspaceId, { caseId, publicOnly: true, limit: PAGE, ...(cursor && { cursor }) });
      messages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && messages.length < MAX_CONVERSATION);
    return messages;
  }

  /** The case's public messages up to and including `upTo`. */
  async function conversation(caseId: string, upTo: Message): Promise<Message[]> {
    const messages = await publicMessages(caseId);
    const end = messages.findIndex((m) => m.id === upTo.id);
    return end < 0 ? [...messages, upTo] : messages.slice(0, end + 1);
  }

  async function handOff(caseId: string, input: HandoffInput): Promise<void> {
    await options.engine.handoff(system, caseId, input);
  }

  async function runRules(bot: AgentRecord, message: Message): Promise<void> {
    const actor: AgentActor = { workspaceId, agent: { id: bot.id, name: bot.name, role: bot.role, kind: bot.kind } };
    const texts = (await conversation(message.caseId, message)).filter((m) => m.authorKind === 'customer').map((m) => m.text);
    const turn = replayRulesBot(bot.bot!.rules!, texts);
    try {
      for (const [index, text] of turn.replies.entries()) {
        await options.engine.reply(actor, { caseId: message.caseId, text, clientMessageId: `bot:${message.id}:${index}` });
      }
    } catch (error) {
      logger.warn('a bot reply was refused; handing off', { caseId: message.caseId, error: errorText(error) });
      return handOff(message.caseId, { reason: 'failed', summary: `The bot's reply could not be sent: ${errorText(error)}` });
    }
    if (turn.handoff) await options.engine.handoff(actor, message.caseId, turn.handoff);
  }

  async function runExternal(bot: AgentRecord, message: Message): Promise<void> {
    const config = bot.bot!.external!;
    const secret = bot.secrets?.signingSecret;
    if (!secret) return handOff(message.caseId, { reason: 'failed', summary: `${bot.name} has no signing secret; an admin can set the bot up again.` });
    // The wait is stored before the post: whichever node runs the timer, a bot that accepts and
    // then never answers (or a node that dies mid-post) still ends in a handoff.
    const dueAt = new Date(clock.now().getTime() + config.timeoutSeconds * 1000).toISOString();
    if (!(await options.engine.awaitBotAnswer(system, message.caseId, { messageId: message.id, dueAt }))) return;
    const [kase, transcript] = await Promise.all([store.getCase(workspaceId, message.caseId), conversation(message.caseId, message)]);
    if (!kase) return;
    const customer = await store.getCustomer(workspaceId, kase.customerId);
    const outcome = await postToBot(config, secret, { message, kase, customer, transcript, apiUrl: options.apiUrl() }, { fetch: http, now: clock.now() });
    if (!outcome.ok) {
      logger.warn('an external bot failed; handing off', { caseId: kase.id, botId: bot.id, reason: outcome.summary });
      return handOff(kase.id, { reason: outcome.reason, summary: outcome.summary });
    }
    // Accepted: it has until the timer to reply or hand off through the API.
  }

  /** What the bot-answer timer runs: hands off a case whose bot neither replied after the message nor let it go. */
  async function checkAnswered(caseId: string, botId: string, messageId: string): Promise<void> {
    const [kase, bot, message] = await Promise.all([store.getCase(workspaceId, caseId), store.getAgent(workspaceId, botId), store.getMessage(workspaceId, messageId)]);
    if (!kase || !message || kase.assigneeId !== botId) return;
    const answered = (await publicMessages(kase.id)).some((m) => m.authorId === botId && m.createdAt >= message.createdAt);
    const seconds = bot?.bot?.external?.timeoutSeconds;
    const within = seconds === undefined ? 'in time' : `within ${seconds} s`;
    if (!answered) await handOff(kase.id, { reason: 'timeout', summary: `${bot?.name ?? 'The bot'} accepted the message but neither replied nor handed off ${within}.` });
  }

  async function answer(message: Message, botId: string): Promise<void> {
    const bot = await store.getAgent(workspaceId, botId);
    if (!bot || bot.kind !== 'bot' || bot.active === false || !bot.bot) return;
    // Handed off (or taken by a person) since: the bot has nothing more to say.
    if ((await store.getCase(workspaceId, message.caseId))?.assigneeId !== bot.id) return;
    if (bot.bot.rules) await runRules(bot, message);
    else if (bot.bot.external) await runExternal(bot, message);
  }

  /** Runs `work` after the case's earlier work; the promise settles with it (a failure is logged). */
  function enqueue(caseId: string, work: () => Promise<void>): Promise<void> {
    const next = (queues.get(caseId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => logger.error('a bot failed to answer', { caseId, error: errorText(error) }));
    queues.set(caseId, next);
    void next.then(() => {
      if (queues.get(caseId) === next) queues.delete(caseId);
    });
    return next;
  }

  const isForBot = (event: CaseEvent): event is Extract<CaseEvent, { type: 'message.created' }> =>
    event.type === 'message.created' && event.data.message.authorKind === 'customer' && !event.data.message.internal && Boolean(event.data.case?.assigneeId);

  return {
    publish(events) {
      for (const event of events) {
        if (!isForBot(event)) continue;
        const { message } = event.data;
        const botId = event.data.case!.assigneeId!;
        enqueue(message.caseId, () => answer(message, botId));
      }
    },
    timerHandlers: {
      [BOT_ANSWER_TIMER_KIND]: async (timer) => {
        const { caseId, botId, messageId } = timer.payload;
        if (timer.workspaceId !== workspaceId || typeof caseId !== 'string' || typeof botId !== 'string' || typeof messageId !== 'string') return;
        await enqueue(caseId, () => checkAnswered(caseId, botId, messageId));
      },
    },
    async idle() {
      while (queues.size > 0) await Promise.all(queues.values());
    },
  };
}

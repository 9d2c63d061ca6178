import type { BotField, CollectedFields, RulesBotConfig } from '@casekit/protocol';

// The built-in rules bot as a pure state machine: what it says to each customer message follows
// from its configuration and the customer's messages alone, so the runner replays the
// conversation instead of keeping state anywhere.

/** Where a rules bot stands in a conversation. */
interface RulesBotState {
  greeted: boolean;
  /** The index of the field being asked for, or null while none is. */
  asking: number | null;
  fields: CollectedFields;
  /** Handed off: the bot says nothing more. */
  done: boolean;
}

/** What the bot does with one customer message: its replies, in order, then maybe a handoff. */
export interface RulesBotTurn {
  replies: string[];
  handoff?: { reason: 'requested' | 'bot'; fields: CollectedFields };
}

const START: RulesBotState = { greeted: false, asking: null, fields: {}, done: false };
const INVALID = 'That does not look right.';

/** Lower-case words (letters and digits) of a text, for whole-word matching. */
function wordsOf(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Whether `words` holds `phrase` (one or more words) as consecutive whole words. */
function holds(words: readonly string[], phrase: string): boolean {
  const wanted = wordsOf(phrase);
  if (wanted.length === 0) return false;
  for (let i = 0; i + wanted.length <= words.length; i++) {
    if (wanted.every((word, j) => words[i + j] === word)) return true;
  }
  return false;
}

const EMAIL = /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[^\s@<>(),;:"'.]+/u;
const PHONE = /\+?\d[\d\s().-]{5,22}\d/u;

/** The value a field takes from an answer, or null when the answer does not pass its checks. */
export function fieldValue(field: Pick<BotField, 'kind' | 'pattern'>, text: string): string | null {
  let value: string | null;
  if (field.kind === 'email') {
    value = EMAIL.exec(text)?.[0].toLowerCase() ?? null;
  } else if (field.kind === 'phone') {
    const found = PHONE.exec(text)?.[0];
    const digits = found?.replace(/[^\d]/g, '') ?? '';
    value = found && digits.length >= 7 && digits.length <= 15 ? `${found.trim().startsWith('+') ? '+' : ''}${digits}` : null;
  } else {
    const trimmed = text.trim().slice(0, 1000);
    value = trimmed === '' ? null : trimmed;
  }
  if (value !== null && field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) return null;
  return value;
}

/** The answer whose keywords the text holds, first in the list first. */
function answerFor(config: RulesBotConfig, words: readonly string[]): string | undefined {
  return config.faq.find((entry) => entry.keywords.some((keyword) => holds(words, keyword)))?.answer;
}

/**
 * One customer message: a handoff keyword hands off at once; the first message is greeted; while
 * a field is asked for, a valid answer is kept and the next field asked (the last one hands off);
 * otherwise an answer whose keyword matches is given, and with none (after the first message) the
 * bot offers a person and asks for the fields.
 */
function stepRulesBot(config: RulesBotConfig, state: RulesBotState, text: string): { state: RulesBotState; turn: RulesBotTurn } {
  if (state.done) return { state, turn: { replies: [] } };
  const words = wordsOf(text);
  if (config.handoffKeywords.some((keyword) => holds(words, keyword))) {
    return { state: { ...state, done: true }, turn: { replies: [], handoff: { reason: 'requested', fields: state.fields } } };
  }
  const replies: string[] = state.greeted ? [] : [config.greeting];
  const next: RulesBotState = { ...state, greeted: true };
  const answer = answerFor(config, words);
  const asked = state.asking === null ? undefined : config.fields[state.asking];
  if (asked) {
    const value = fieldValue(asked, text);
    if (value === null) {
      replies.push(...(answer ? [answer] : [asked.invalid ?? INVALID]), asked.prompt);
      return { state: next, turn: { replies } };
    }
    return collected(config, { ...next, fields: { ...next.fields, [asked.name]: value } }, state.asking! + 1, replies);
  }
  if (answer) return { state: next, turn: { replies: [...replies, answer] } };
  if (!state.greeted) return { state: next, turn: { replies } };
  return collected(config, next, 0, [...replies, config.offerHuman]);
}

/** Asks for field `index`, or hands off once there is none left to ask. */
function collected(config: RulesBotConfig, state: RulesBotState, index: number, replies: string[]): { state: RulesBotState; turn: RulesBotTurn } {
  const field = config.fields[index];
  if (field) return { state: { ...state, asking: index }, turn: { replies: [...replies, field.prompt] } };
  return { state: { ...state, asking: null, done: true }, turn: { replies, handoff: { reason: 'bot', fields: state.fields } } };
}

/**
 * What the bot does with the last of the customer's messages, after going through the earlier
 * ones: the same messages always give the same turn.
 * @example replayRulesBot(config, ['hi', 'what are your hours?']) // { replies: ['We open at 8.'] }
 */
export function replayRulesBot(config: RulesBotConfig, texts: readonly string[]): RulesBotTurn {
  let state = START;
  let turn: RulesBotTurn = { replies: [] };
  for (const text of texts) ({ state, turn } = stepRulesBot(config, state, text));
  return turn;
}

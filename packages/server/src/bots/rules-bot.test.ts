import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RulesBotConfig } from '@casekit/protocol/schemas';
import { fieldValue, replayRulesBot } from './rules-bot.ts';

const config = RulesBotConfig.parse({
  greeting: 'Hi! I am the FibreLink assistant. How can I help?',
  faq: [
    { keywords: ['hours', 'opening times'], answer: 'We answer 8:00–20:00, Monday to Saturday.' },
    { keywords: ['invoice'], answer: 'Invoices are under Account › Billing.' },
  ],
  fields: [
    { name: 'email', prompt: 'What is the email on your account?', kind: 'email', invalid: 'That is not an email address.' },
    { name: 'account', prompt: 'And your account number?', pattern: '\\d{4,8}' },
  ],
  offerHuman: 'I cannot answer that myself; a person from our team will.',
});

describe('rules bot', () => {
  it('greets the first message, answering it too when a keyword matches', () => {
    assert.deepEqual(replayRulesBot(config, ['hello']), { replies: [config.greeting] });
    assert.deepEqual(replayRulesBot(config, ['What are your opening times?']), { replies: [config.greeting, 'We answer 8:00–20:00, Monday to Saturday.'] });
  });

  it('matches keywords as whole words in any case, and phrases word by word', () => {
    assert.deepEqual(replayRulesBot(config, ['hi', 'HOURS?']).replies, ['We answer 8:00–20:00, Monday to Saturday.']);
    assert.deepEqual(replayRulesBot(config, ['hi', 'where is my  invoice, please']).replies, ['Invoices are under Account › Billing.']);
    const offer = [config.offerHuman, 'What is the email on your account?'];
    assert.deepEqual(replayRulesBot(config, ['hi', 'invoices']).replies, offer, '"invoices" is not the word "invoice"');
    assert.deepEqual(replayRulesBot(config, ['hi', 'opening the times']).replies, offer);
  });

  it('offers a person when nothing matches, asks for each field until it passes, then hands off with them', () => {
    const talk = ['hi', 'my router blinks red', 'it is dana at example', 'Sure: Dana@Example.com', 'abc', '1042'];
    assert.deepEqual(replayRulesBot(config, talk.slice(0, 2)).replies, [config.offerHuman, 'What is the email on your account?']);
    assert.deepEqual(replayRulesBot(config, talk.slice(0, 3)).replies, ['That is not an email address.', 'What is the email on your account?']);
    assert.deepEqual(replayRulesBot(config, talk.slice(0, 4)).replies, ['And your account number?']);
    assert.deepEqual(replayRulesBot(config, talk.slice(0, 5)).replies, ['That does not look right.', 'And your account number?']);
    assert.deepEqual(replayRulesBot(config, talk), { replies: [], handoff: { reason: 'bot', fields: { email: 'dana@example.com', account: '1042' } } });
    assert.deepEqual(replayRulesBot(config, [...talk, 'hello?']), { replies: [] }, 'after the handoff the bot is silent');
  });

  it('answers a question asked instead of a field, then asks again', () => {
    assert.deepEqual(replayRulesBot(config, ['hi', 'broken', 'what are your hours']).replies, ['We answer 8:00–20:00, Monday to Saturday.', 'What is the email on your account?']);
  });

  it('hands off on "human", "agent" or a Spanish one at once, with the fields so far', () => {
    assert.deepEqual(replayRulesBot(config, ['I want a HUMAN']), { replies: [], handoff: { reason: 'requested', fields: {} } });
    assert.deepEqual(replayRulesBot(config, ['hi', 'broken', 'dana@example.com', 'quiero un agente']).handoff, { reason: 'requested', fields: { email: 'dana@example.com' } });
    assert.equal(replayRulesBot(config, ['hi', 'agentless setup?']).handoff, undefined, 'only the whole word');
  });

  it('reads emails and phone numbers out of a sentence', () => {
    assert.equal(fieldValue({ kind: 'email' }, 'it is <dana.kim+isp@mail.example>.'), 'dana.kim+isp@mail.example');
    assert.equal(fieldValue({ kind: 'phone' }, 'call me on +1 (415) 555-0100 please'), '+14155550100');
    assert.equal(fieldValue({ kind: 'phone' }, 'call me on 555'), null);
    assert.equal(fieldValue({ kind: 'text' }, '   '), null);
  });

  const texts = fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('hours', 'invoice', 'dana@example.com', '1042', 'x', 'hello there')), { maxLength: 12 });

  it('always hands off, at once, when a handoff word comes before any handoff (property)', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(...config.handoffKeywords), fc.string({ maxLength: 20 }), (before, keyword, after) => {
        const earlier = before.map((_, i) => replayRulesBot(config, before.slice(0, i + 1)));
        fc.pre(earlier.every((turn) => turn.handoff === undefined));
        const turn = replayRulesBot(config, [...before, `${after} ${keyword.toUpperCase()}!`]);
        assert.equal(turn.handoff?.reason, 'requested');
        assert.deepEqual(turn.replies, []);
      }),
    );
  });

  it('hands off once at most, and on its own only with every field collected and valid (property)', () => {
    fc.assert(
      fc.property(texts, (all) => {
        const turns = all.map((_, i) => replayRulesBot(config, all.slice(0, i + 1)));
        const handoffs = turns.filter((turn) => turn.handoff);
        assert.ok(handoffs.length <= 1);
        for (const { handoff } of handoffs) {
          if (handoff!.reason === 'bot') assert.deepEqual(Object.keys(handoff!.fields), ['email', 'account']);
          for (const field of config.fields) {
            const value = handoff!.fields[field.name];
            if (value !== undefined) assert.equal(fieldValue(field, value), value);
          }
        }
        const after = turns.findIndex((turn) => turn.handoff);
        if (after >= 0) assert.ok(turns.slice(after + 1).every((turn) => turn.replies.length === 0));
      }),
    );
  });
});

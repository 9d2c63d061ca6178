import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldQuotedText } from './fold-quotes.ts';

describe('foldQuotedText', () => {
  it('folds a top-posted reply with an English attribution', () => {
    const text = 'Thanks, that fixed it.\n\nOn Tue, 3 Apr 2012 at 16:19, Support <help@example.com> wrote:\n> Please restart the router.\n>\n> Kind regards';
    assert.equal(foldQuotedText(text), 'Thanks, that fixed it.');
  });

  it('folds French, German and Spanish attributions', () => {
    assert.equal(foldQuotedText('Merci !\n\nLe 3 avr. 2012 à 16:19, Support <help@example.com> a écrit :\n> Bonjour'), 'Merci !');
    assert.equal(foldQuotedText('Danke!\n\nAm 03.04.2012 um 16:19 schrieb Support <help@example.com>:\n> Hallo'), 'Danke!');
    assert.equal(foldQuotedText('Gracias\n\nEl 3 abr 2012, a las 16:19, Support escribió:\n> Hola'), 'Gracias');
  });

  it('folds an attribution wrapped over two lines without eating the line above it', () => {
    const text = 'Hello\n02.04.2012 14:20 user "bob@example.com" <\nbob@example.com> wrote:\n\n> Hi\n>';
    assert.equal(foldQuotedText(text), 'Hello');
  });

  it('folds an Outlook header block and everything under it', () => {
    const text = 'Yes please.\n\nFrom: Support [mailto:help@example.com]\nSent: Friday, March 9, 2012 4:22 PM\nTo: Dan\nSubject: Your order\n\nHi Dan, shall we ship it?';
    assert.equal(foldQuotedText(text), 'Yes please.');
  });

  it('folds an Outlook web separator line followed by a localized header block', () => {
    const text = 'Ja, gerne.\n\n________________________________\nVon: Support <help@example.com>\nGesendet: Freitag, 9. März 2012 16:22\nAn: Dan\nBetreff: Bestellung\n\nHallo';
    assert.equal(foldQuotedText(text), 'Ja, gerne.');
  });

  it('folds "-----Original Message-----" and its translations', () => {
    assert.equal(foldQuotedText('Ok\n\n-----Original Message-----\nFrom: a@example.com\nold'), 'Ok');
    assert.equal(foldQuotedText('Ok\n\n----- Ursprüngliche Nachricht -----\nVon: a@example.com\nalt'), 'Ok');
  });

  it('drops a single quote block above the answer (bottom-posting)', () => {
    assert.equal(foldQuotedText('On 04/02/2012 06:26 PM, Megan wrote:\n> Hi\nHello'), 'Hello');
  });

  it('keeps quotes that are answered in between (interleaved)', () => {
    const text = '> Is the router on?\nYes.\n> Which model?\nFritzBox 7590.';
    assert.equal(foldQuotedText(text), text);
  });

  it('keeps a quote in the middle of new text but folds the trailing history', () => {
    const text = 'You wrote:\n> the light is red\nIt is orange now.\n\nOn Mon, 1 Jan 2024, Support <help@example.com> wrote:\n> Check the light';
    assert.equal(foldQuotedText(text), 'You wrote:\n> the light is red\nIt is orange now.');
  });

  it('cuts a short signature after "-- " and a mobile one-liner', () => {
    assert.equal(foldQuotedText('See you\n-- \nDana Customer\nACME Corp'), 'See you');
    assert.equal(foldQuotedText('See you\n--\nDana'), 'See you');
    assert.equal(foldQuotedText('See you\n\nSent from my iPhone'), 'See you');
    assert.equal(foldQuotedText('See you\n\nVon meinem iPhone gesendet'), 'See you');
  });

  it('does not take a long tail after "--" for a signature', () => {
    const long = ['Intro', '--', ...Array.from({ length: 25 }, (_, i) => `line ${i}`)].join('\n');
    assert.equal(foldQuotedText(long), long);
  });

  it('keeps what a forward carries', () => {
    const text = 'FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Shop <shop@example.com>\nDate: Mon, 1 Jan 2024\nSubject: Order\n\nYour order has shipped.';
    assert.equal(foldQuotedText(text), text);
    const outlookForward = 'FYI\n\nFrom: Shop <shop@example.com>\nSent: Monday\nSubject: Order\n\nShipped.';
    assert.equal(foldQuotedText(outlookForward, { forward: true }), outlookForward);
    assert.equal(foldQuotedText(outlookForward), 'FYI');
  });

  it('leaves a sentence that only mentions writing alone', () => {
    const text = 'On Monday my colleague wrote:\nthe invoice is wrong, can you check?';
    assert.equal(foldQuotedText(text), text);
  });

  it('returns the whole text when folding would leave nothing', () => {
    assert.equal(foldQuotedText('> only a quote\n> nothing else'), '> only a quote\n> nothing else');
    assert.equal(foldQuotedText('-----Original Message-----\nFrom: a@example.com\nbody'), '-----Original Message-----\nFrom: a@example.com\nbody');
  });

  it('normalizes line endings and trims blank lines', () => {
    assert.equal(foldQuotedText('\r\n\r\nHello\r\n\r\n\r\n\r\nWorld  \r\n\r\n'), 'Hello\n\nWorld');
  });
});

describe('foldQuotedText on hostile input', () => {
  it('stays fast on a huge line full of attribution words', () => {
    const line = ' schrieb'.repeat(200_000);
    const started = performance.now();
    const folded = foldQuotedText(`${line}\n> quote`);
    assert.ok(folded === line, 'the trailing quote is folded, the long line kept');
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
  });
});

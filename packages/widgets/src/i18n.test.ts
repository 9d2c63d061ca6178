import { expect } from '@esm-bundle/chai';
import { catalogKeys, errorMessage, registerMessages, translatePlural } from './i18n.ts';
import './internal/messages-chat.ts';
import './internal/messages-agent.ts';
import './internal/messages-admin.ts';
import './internal/messages-sla.ts';
import './internal/messages-billing.ts';
import './internal/messages-attach.ts';
import './internal/messages-errors.ts';

describe('i18n', () => {
  it('has every key in every shipped language: a key one catalog gains, the others must have too', () => {
    const languages = ['en', 'es'];
    for (const lang of languages) {
      for (const other of languages) {
        const missing = catalogKeys(other).filter((key) => !catalogKeys(lang).includes(key));
        expect(missing, `keys ${other} has and ${lang} lacks`).to.deep.equal([]);
      }
    }
    expect(catalogKeys('es').length).to.be.greaterThan(200);
  });

  it('picks the plural form by Intl.PluralRules and writes the count in the language', () => {
    expect(translatePlural('en', 'inbox.count', 1)).to.equal('1 case');
    expect(translatePlural('en', 'inbox.count', 0)).to.equal('0 cases');
    expect(translatePlural('en', 'inbox.count', 12000)).to.equal('12,000 cases');
    expect(translatePlural('es', 'inbox.count', 1)).to.equal('1 caso');
    expect(translatePlural('es-MX', 'inbox.count', 2)).to.equal('2 casos');
    expect(translatePlural('es', 'chat.unread', 1)).to.equal('1 mensaje sin leer');
    expect(translatePlural('en', 'inbox.count', 200, { count: '200+' })).to.equal('200+ cases');
  });

  it('uses the extra plural categories a language a host adds has, and `other` where it has none', () => {
    registerMessages('pl', { 'inbox.count.one': '{count} sprawa', 'inbox.count.few': '{count} sprawy', 'inbox.count.other': '{count} spraw' });
    expect(translatePlural('pl', 'inbox.count', 1)).to.equal('1 sprawa');
    expect(translatePlural('pl', 'inbox.count', 3)).to.equal('3 sprawy');
    expect(translatePlural('pl', 'inbox.count', 5)).to.equal('5 spraw');
    expect(translatePlural('pl', 'chat.unread', 3)).to.equal('3 unread messages', 'English where Polish has no string');
  });

  it('tells a failed call by its error code in the reader\'s language, else by the server\'s message', () => {
    const apiError = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(errorMessage('es', apiError('forbidden', 'Needs the admin role.'))).to.equal('Tu rol no permite hacer esto.');
    expect(errorMessage('en', apiError('rate_limited', 'Too many sign-ins; try again in 40 s.'))).to.equal('Too many attempts. Wait a moment and try again.');
    expect(errorMessage('es', apiError('unauthorized', 'Wrong email or password.'), { unauthorized: 'workbench.signInFailed' })).to.equal(
      'Correo electrónico o contraseña incorrectos.',
    );
    expect(errorMessage('en', apiError('conflict', 'Channel "SMS" is disabled.'))).to.equal('Channel "SMS" is disabled.', 'the reason only the server knows');
    expect(errorMessage('es', apiError('not_found', '"bill.pdf" is kept by the provider.'))).to.equal('No se encontró ("bill.pdf" is kept by the provider.)');
    expect(errorMessage('es', apiError('teapot', 'I am a teapot.'))).to.equal('I am a teapot.', 'a code this version does not know');
    expect(errorMessage('es', new Error('plain'))).to.equal('plain');
  });
});

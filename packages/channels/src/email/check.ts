import type { ChannelRuntime, ChannelTestResult } from '@casekit/core';
import { CHECK_TIMEOUT_MS, failed, passed } from '../internal/check.ts';
import { smtpTransport } from './send.ts';
import type { EmailConfig, EmailSecrets } from './settings.ts';

/** Network failures: the relay's host or port is wrong, or it is down. */
const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EDNS', 'ENOTFOUND', 'EPIPE']);

/**
 * Connects to the channel's SMTP relay and logs in as replies would (nodemailer's `verify()`:
 * greeting, EHLO, STARTTLS when offered, AUTH), then leaves without sending anything.
 */
export async function checkSmtpRelay(runtime: ChannelRuntime<EmailConfig, EmailSecrets>): Promise<ChannelTestResult> {
  const { config, secrets } = runtime.channel;
  const relay = `${config.smtp.host}:${config.smtp.port}`;
  const transport = smtpTransport(config, secrets, { connectionTimeout: CHECK_TIMEOUT_MS, greetingTimeout: CHECK_TIMEOUT_MS, socketTimeout: CHECK_TIMEOUT_MS });
  try {
    await transport.verify();
    const login = config.smtp.user ? `logged in as ${config.smtp.user}` : 'accepted a connection without a login';
    return passed(`SMTP relay ${relay} ${login}${config.smtp.secure ? ' over TLS' : ''}; replies go out from ${config.address}.`);
  } catch (error) {
    return smtpFailure(error, relay, Boolean(config.smtp.user));
  } finally {
    transport.close();
  }
}

function smtpFailure(error: unknown, relay: string, withLogin: boolean): ChannelTestResult {
  const details = (error ?? {}) as { message?: string; code?: string; responseCode?: number; response?: string };
  const said = (details.response ?? details.message ?? String(error)).trim();
  if (details.code === 'EAUTH' || details.responseCode === 535 || details.responseCode === 534) {
    return withLogin
      ? failed('auth', `The SMTP relay ${relay} refused the login (${said}): check the SMTP password, and the user in the SMTP settings.`, { field: 'secrets.smtpPassword' })
      : failed('auth', `The SMTP relay ${relay} asks for a login (${said}): add "user" to the SMTP settings and the SMTP password.`, { field: 'config.smtp' });
  }
  if (details.code === 'ETLS') return failed('misconfigured', `TLS with the SMTP relay ${relay} failed (${said}): check "secure" and the port (465 for TLS from the start, 587 for STARTTLS).`, { field: 'config.smtp' });
  if (details.code && UNREACHABLE.has(details.code)) {
    return failed('unreachable', `The SMTP relay ${relay} could not be reached (${said}): check its host and port, or try again in a moment.`, { field: 'config.smtp' });
  }
  if (typeof details.responseCode === 'number' && details.responseCode >= 400 && details.responseCode < 500) {
    return failed('unreachable', `The SMTP relay ${relay} is busy (${said}); try again in a moment.`, { field: 'config.smtp' });
  }
  return failed('rejected', `The SMTP relay ${relay} refused the check (${said}).`, { field: 'config.smtp' });
}

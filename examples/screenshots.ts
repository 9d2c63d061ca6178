/**
 * Writes the screenshots in docs/screenshots/: the support site with a chat in progress and the
 * CRM workbench with that case open, in light and dark, plus the workbench in a 380px side panel.
 * Real backend with demo data, real Chromium; not part of the test run.
 *
 * Run: pnpm --filter @casekit/widgets run build && node --conditions=casekit-source examples/screenshots.ts
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { newPage, replyFromCrm, sendFromChat, signInCrm, startChat, startExamples } from './harness.ts';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const scale = Number(process.env['SCALE'] ?? 2);

/** Lets transitions, fonts and late paints settle before a capture. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
}

async function shoot(page: Page, name: string): Promise<void> {
  await settle(page);
  await page.screenshot({ path: `${out}${name}.png` });
  console.log(`docs/screenshots/${name}.png`);
}

/** Opens the inbox row whose case number is `number`; waits for its timeline. */
async function openCase(workbench: Locator, number: string): Promise<void> {
  const label = workbench.page().locator('.number', { hasText: new RegExp(`^${number}$`) });
  await workbench.locator('casekit-inbox [role=option]').filter({ has: label }).click();
  await workbench.locator('casekit-timeline article').first().waitFor();
}

await mkdir(out, { recursive: true });
const ex = await startExamples();
try {
  const agent = ex.agent('agent');
  const crm = await newPage(ex, { viewport: { width: 1440, height: 900 }, deviceScaleFactor: scale });
  const workbench = await signInCrm(crm, ex, agent);
  const site = await newPage(ex, { viewport: { width: 1280, height: 820 }, deviceScaleFactor: scale });
  const chat = await startChat(site, ex, { name: 'Maya Lindqvist', email: 'maya.lindqvist@example.com' });

  // A conversation in progress, written from both ends through the real widgets.
  const first = 'Hi! The fibre light on our router has been blinking red since this morning and we have no internet.';
  await sendFromChat(chat, first);
  const number = (await workbench.locator('casekit-inbox [role=option]').filter({ hasText: 'blinking red' }).locator('.number').innerText()).trim();
  await openCase(workbench, number);
  await workbench.locator('casekit-case #case-assignee').selectOption({ label: agent.name });
  await workbench.locator('casekit-case #case-priority').selectOption('high');
  await replyFromCrm(workbench, 'Hi Maya, sorry about that! I can see your line dropped at 07:42. Could you check that the green fibre cable is clicked in firmly at both ends?');
  await chat.locator('.message.agent').first().waitFor();
  await sendFromChat(chat, 'Done, both ends are clicked in. Still red though 😕');
  const composer = workbench.locator('casekit-composer');
  await composer.getByRole('radio', { name: /note/i }).click();
  await replyFromCrm(workbench, 'Loss of signal on PON 3/14 since 07:42, two neighbours on the same splitter too. Raised with field team.');
  await composer.getByRole('radio', { name: /reply/i }).click();
  await replyFromCrm(workbench, 'Thanks for checking. It is a fault in the street cabinet, not your equipment. I have booked an engineer for tomorrow 08:00–12:00; you will get a text to confirm.');
  await chat.locator('.message.agent').nth(1).waitFor();
  await sendFromChat(chat, 'Great, thank you! Will someone need to come inside?');
  await workbench.locator('casekit-timeline article.inbound').filter({ hasText: 'come inside' }).waitFor();
  // The agent starts answering: the customer sees the typing indicator, the CRM a draft.
  await composer.locator('textarea').pressSequentially('No, the repair is at the cabinet. ', { delay: 10 });
  await chat.locator('.typing').waitFor();

  for (const scheme of ['light', 'dark'] as const) {
    await site.emulateMedia({ colorScheme: scheme });
    await crm.emulateMedia({ colorScheme: scheme });
    await composer.locator('textarea').press('End');
    await composer.locator('textarea').pressSequentially(' ', { delay: 10 });
    await chat.locator('.typing').waitFor();
    await site.evaluate(() => window.scrollTo(0, 0));
    await shoot(site, `support-${scheme}`);
    await shoot(crm, `crm-${scheme}`);
  }

  // The same workbench in a CRM side panel: one pane at a time.
  const panel = await newPage(ex, { viewport: { width: 380, height: 780 }, deviceScaleFactor: scale });
  const narrow = await signInCrm(panel, ex, agent);
  await openCase(narrow, number);
  await shoot(panel, 'crm-side-panel');
} finally {
  await ex.close();
}

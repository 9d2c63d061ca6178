import { createCaseEngine, type AgentActor, type AgentRecord, type CaseEngine, type Publisher, type Store, type SystemActor } from '@casekit/core';
import { CasekitError, type Customer } from '@casekit/protocol';
import { provisionAgent, provisionChannel, type Auth } from '@casekit/server';
import { ensureBaseline, WEBCHAT_CHANNEL_ID } from '../setup.ts';
import { AMOUNTS, DEMO_AGENTS, DEMO_CHANNELS, DEMO_COMPANY, DEMO_ROUTING, DEMO_SLA, DEMO_TEMPLATES, demoCustomers, type DemoCustomer, type DemoStep } from './data.ts';

/** Password of every demo agent. */
export const DEMO_PASSWORD = 'casekit-demo';

const CASE_COUNT = 60;
const DAY_MS = 86_400_000;

export interface SeedOptions {
  store: Store;
  auth: Pick<Auth, 'hashPassword'>;
  workspaceId: string;
  /** Receives the seeded events (e.g. a running server's sockets); default: none. */
  publisher?: Publisher;
  /** Called after each step with how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
  /** "Now" for the demo timeline (default: the real time); cases spread over the 14 days before. */
  now?: Date;
}

export interface SeedResult {
  agents: { email: string; name: string; role: string }[];
  password: string;
  webchat: { channelId: string; secret: string | null };
  created: { agents: number; customers: number; cases: number; messages: number };
  /** True when the demo data was already there (nothing new was written). */
  alreadySeeded: boolean;
}

interface PlannedStep {
  at: number;
  caseIndex: number;
  stepIndex: number;
  step: DemoStep;
}

function fill(text: string, customer: DemoCustomer, i: number): string {
  return text
    .replaceAll('{first}', customer.firstName)
    .replaceAll('{plan}', String(customer.attributes.plan))
    .replaceAll('{address}', String(customer.attributes.address))
    .replaceAll('{account}', String(customer.attributes.accountNumber))
    .replaceAll('{invoice}', `INV-${40_210 + i * 13}`)
    .replaceAll('{amount}', AMOUNTS[i % AMOUNTS.length]!);
}

/**
 * Seeds a believable ISP support workspace through the engine (so the event log is real):
 * agents with roles and skills, customers known on several channels, about 60 cases with
 * conversations, notes, tags, priorities and assignments. Running it again adds nothing.
 */
export async function seedDemo(options: SeedOptions): Promise<SeedResult> {
  const { store, auth, workspaceId } = options;
  const realNow = (options.now ?? new Date()).getTime();
  let clockMs = realNow;
  const engine: CaseEngine = createCaseEngine({
    store,
    clock: { now: () => new Date(clockMs) },
    ...(options.publisher && { publisher: options.publisher }),
  });
  const created = { agents: 0, customers: 0, cases: 0, messages: 0 };

  const seeding: SystemActor = { workspaceId, system: 'seed' };
  const webchat = await ensureBaseline({ store, engine }, workspaceId, { name: `${DEMO_COMPANY} (demo)`, settings: { displayName: DEMO_COMPANY } });
  for (const channel of DEMO_CHANNELS) {
    if (!(await store.getChannel(workspaceId, channel.id))) await provisionChannel(engine, workspaceId, channel);
  }

  const agents: AgentRecord[] = [];
  for (const agent of DEMO_AGENTS) {
    const existing = await store.getAgentByEmail(workspaceId, agent.email);
    if (existing) {
      agents.push(existing);
      continue;
    }
    await provisionAgent(engine, auth, workspaceId, { ...agent, password: DEMO_PASSWORD });
    created.agents++;
    agents.push((await store.getAgent(workspaceId, agent.id))!);
  }
  const actorOf = (agentIndex: number): AgentActor => {
    const agent = agents[agentIndex]!;
    return { workspaceId, agent: { id: agent.id, name: agent.name, role: agent.role, kind: agent.kind } };
  };

  const customers = demoCustomers();
  const profiles = new Map<string, Customer>();
  // Customers get their profiles when the timeline reaches their first case, so creation times look natural.
  async function profileOf(customer: DemoCustomer): Promise<Customer> {
    const known = profiles.get(customer.key);
    if (known) return known;
    const first = customer.identities[0]!;
    let profile = await store.findCustomerByIdentity(workspaceId, first.channelId, first.externalId);
    if (!profile) {
      profile = await engine.createCustomer(seeding, {
        name: customer.name,
        emails: customer.emails,
        phones: customer.phones,
        identities: customer.identities,
        attributes: customer.attributes,
      });
      created.customers++;
    }
    profiles.set(customer.key, profile);
    return profile;
  }

  // Plan every case: its customer, channels, agent and start time; then run all steps in time order.
  const start = realNow - 14 * DAY_MS;
  const hasLaterCase = new Set<number>();
  const plans = Array.from({ length: CASE_COUNT }, (_, i) => {
    const customer = customers[i % customers.length]!;
    if (i + customers.length < CASE_COUNT) hasLaterCase.add(i);
    const template = DEMO_TEMPLATES[i % DEMO_TEMPLATES.length]!;
    const identities = customer.identities;
    const primary = identities[(i >> 1) % identities.length]!;
    const alternate = identities.find((identity) => identity.channelId !== primary.channelId) ?? primary;
    const team = agents
      .map((agent, index) => ({ agent, index }))
      .filter(({ agent }) => agent.teams.includes(template.team));
    const agentIndex = team[i % team.length]?.index ?? 0;
    const steps: DemoStep[] = [...template.steps];
    // A customer's later case must not thread into this one.
    if (hasLaterCase.has(i)) steps.push({ kind: 'update', after: 2 * 24 * 60, status: 'closed' });
    return { i, customer, template, primary, alternate, agentIndex, steps, startAt: start + Math.floor((i * 13 * DAY_MS) / CASE_COUNT) + ((i * 37) % 180) * 60_000 };
  });
  const planned: PlannedStep[] = [];
  for (const plan of plans) {
    let at = plan.startAt;
    plan.steps.forEach((step, stepIndex) => {
      at = Math.min(at + step.after * 60_000, realNow - (CASE_COUNT - plan.i) * 1000);
      planned.push({ at, caseIndex: plan.i, stepIndex, step });
    });
  }
  planned.sort((a, b) => a.at - b.at || a.caseIndex - b.caseIndex || a.stepIndex - b.stepIndex);

  // A case whose first message is stored was seeded before (perhaps partly): leave it alone.
  const skip = new Set<number>();
  for (const plan of plans) {
    if (await store.findMessageByProviderId(workspaceId, plan.primary.channelId, `demo-${plan.i}-0`)) skip.add(plan.i);
  }
  const caseIds = new Map<number, string>();
  const total = planned.length;
  let done = 0;
  for (const { at, caseIndex, stepIndex, step } of planned) {
    done++;
    const plan = plans[caseIndex]!;
    if (skip.has(caseIndex)) {
      options.onProgress?.(done, total);
      continue;
    }
    clockMs = at;
    const actor = actorOf(plan.agentIndex);
    const caseId = caseIds.get(caseIndex);
    const key = `demo-${caseIndex}-${stepIndex}`;
    try {
      if (step.kind === 'customer') {
        const profile = await profileOf(plan.customer);
        const identity = step.otherChannel ? plan.alternate : plan.primary;
        const result = await engine.ingest({
          workspaceId,
          channelId: identity.channelId,
          providerMessageId: key,
          from: { externalId: identity.externalId, name: profile.name },
          subject: fill(plan.template.subject, plan.customer, caseIndex),
          text: fill(step.text, plan.customer, caseIndex),
        });
        if (!caseId) created.cases++;
        caseIds.set(caseIndex, result.case.id);
        created.messages++;
      } else if (caseId && (step.kind === 'reply' || step.kind === 'note')) {
        const input = { caseId, text: fill(step.text, plan.customer, caseIndex), clientMessageId: key };
        await (step.kind === 'reply' ? engine.reply(actor, input) : engine.addNote(actor, input));
        created.messages++;
      } else if (caseId && step.kind === 'update') {
        const kase = await store.getCase(workspaceId, caseId);
        if (kase) {
          await engine.updateCase(actor, caseId, {
            version: kase.version,
            ...(step.status && { status: step.status }),
            ...(step.priority && { priority: step.priority }),
            ...(step.tags && { tags: step.tags }),
            ...(step.team && { team: step.team }),
            ...(step.assign && { assigneeId: actor.agent.id }),
          });
        }
      }
    } catch (error) {
      // A lifecycle rule the script did not foresee skips the step, not the demo.
      if (!(error instanceof CasekitError && (error.code === 'invalid_transition' || error.code === 'version_conflict'))) throw error;
    }
    options.onProgress?.(done, total);
  }

  // Replies on provider channels were queued for delivery; in the demo they went out long ago.
  clockMs = realNow;
  for (let round = 0; round < 100; round++) {
    const items = await store.claimOutbox(new Date(realNow + 365 * DAY_MS), 1, 200);
    const ours = items.filter((item) => item.workspaceId === workspaceId);
    if (ours.length === 0) break;
    for (const item of ours) {
      await store.completeOutbox(workspaceId, item.id);
      await engine.updateDeliveryStatus(seeding, item.messageId, 'delivered');
    }
  }

  // Routing rules, automations and SLAs from here on: the history above happened before they existed.
  const workspace = await store.getWorkspace(workspaceId);
  if (workspace && !workspace.settings.routing) await engine.updateSettings(seeding, { routing: DEMO_ROUTING });
  if (workspace && !workspace.settings.sla) await engine.updateSettings(seeding, { sla: DEMO_SLA });

  return {
    agents: agents.map((agent) => ({ email: agent.email, name: agent.name, role: agent.role })),
    password: DEMO_PASSWORD,
    webchat: { channelId: WEBCHAT_CHANNEL_ID, secret: webchat.secrets.identitySecret ?? null },
    created,
    alreadySeeded: created.agents + created.customers + created.cases + created.messages === 0,
  };
}

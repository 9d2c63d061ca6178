import { createContext } from '@lit/context';
import type { AgentClient, VisitorClient } from '@casekit/sdk';

/**
 * The agent client handed down the tree: `<casekit-workbench>` provides it, or a host page
 * provides its own with `provideAgentClient`. Widgets also take it as a `client` property.
 */
export const agentClientContext = createContext<AgentClient | undefined>(Symbol.for('casekit.agent-client'));

/** The visitor client, when a host wants to share one between chat widgets. */
export const visitorClientContext = createContext<VisitorClient | undefined>(Symbol.for('casekit.visitor-client'));

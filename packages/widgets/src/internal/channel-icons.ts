import { svg, type SVGTemplateResult } from 'lit';
import type { ChannelKind } from '@casekit/protocol';
import { icon } from './icons.ts';

const channelPaths: Record<ChannelKind, SVGTemplateResult> = {
  webchat: svg`<path d="M4 5h16v11H9l-5 4z"/><path d="M8 10h8M8 13h5"/>`,
  email: svg`<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 6.5 8.5 6.5 8.5-6.5"/>`,
  sms: svg`<rect x="6" y="2.5" width="12" height="19" rx="2.5"/><path d="M10 18.5h4"/>`,
  whatsapp: svg`<path d="M4 20l1.3-4A8 8 0 1 1 8.4 19z"/><path d="M9 8.5c0 3.5 3 6.5 6.5 6.5l1-1.6-2-1-1 .9a5 5 0 0 1-2.8-2.8l.9-1-1-2z"/>`,
  messenger: svg`<path d="M12 3C7 3 3 6.7 3 11.3c0 2.6 1.3 4.9 3.3 6.4V21l3-1.7c.8.2 1.8.3 2.7.3 5 0 9-3.7 9-8.3S17 3 12 3z"/><path d="m7 13.5 3.5-3.5 2.5 2.5 4-3.5"/>`,
  instagram: svg`<rect x="3.5" y="3.5" width="17" height="17" rx="5"/><circle cx="12" cy="12" r="4"/><circle cx="17.2" cy="6.8" r=".6" fill="currentColor"/>`,
  telegram: svg`<path d="M21 4 3 11l6 2 2 6 3-4 5 4z"/><path d="m9 13 8-6"/>`,
  x: svg`<path d="M4 4l16 16M20 4 4 20"/>`,
  bot: svg`<rect x="4" y="8" width="16" height="11" rx="3"/><path d="M12 4v4M9 13h.01M15 13h.01M2 13v2M22 13v2"/>`,
  api: svg`<path d="m8 7-5 5 5 5M16 7l5 5-5 5M13.5 5l-3 14"/>`,
};

/** The inline SVG icon of a channel kind (unknown kinds get the API icon). */
export function channelIcon(kind: string): SVGTemplateResult {
  return icon(channelPaths[kind as ChannelKind] ?? channelPaths.api);
}

import type { SplynxListOptions, SplynxWhere } from '../client.ts';

function appendWhere(params: URLSearchParams, group: string, where: SplynxWhere | undefined): void {
  for (const [field, condition] of Object.entries(where ?? {})) {
    if (Array.isArray(condition)) condition.forEach((part, index) => params.append(`${group}[${field}][${index}]`, String(part)));
    else params.append(`${group}[${field}]`, String(condition));
  }
}

/** The PHP `http_build_query` form Splynx reads: `main_attributes[f][0]=OP&…`, `order[f]=ASC`, `limit`, `offset`. */
export function searchQuery(options: SplynxListOptions = {}): string {
  const params = new URLSearchParams();
  appendWhere(params, 'main_attributes', options.where);
  appendWhere(params, 'additional_attributes', options.additional);
  for (const [field, direction] of Object.entries(options.order ?? {})) params.append(`order[${field}]`, direction);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  if (options.offset !== undefined) params.set('offset', String(options.offset));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

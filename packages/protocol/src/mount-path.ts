// No zod here: the server and the SDK both read these, and browser bundles stay small.

/** Where the REST API sits under a mount path. */
export const API_PATH = '/api/v1';
/** Where socket.io listens under a mount path (its `path` option). */
export const SOCKET_IO_PATH = '/socket.io';
/** Where the server serves the CDN widget files under a mount path. */
export const WIDGETS_PATH = '/widgets';

/**
 * A mount path as casekit uses it: a leading slash, no trailing one, `''` for the root.
 * Throws for what is not a plain path (a query, a fragment, `..`, a full URL).
 * @example normalizeMountPath('support/') // '/support'
 */
export function normalizeMountPath(path: string | undefined): string {
  const trimmed = (path ?? '').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/.test(withSlash) || withSlash.split('/').some((s) => s === '.' || s === '..')) {
    throw new TypeError(`"${path}" is not a mount path; give a path such as "/support" (no query, fragment or host).`);
  }
  return withSlash;
}

/**
 * The socket.io `path` for casekit mounted at `mountPath`: the one rule the server listens by
 * and the SDK connects by.
 * @example socketIoPath('/support') // '/support/socket.io'
 */
export function socketIoPath(mountPath: string | undefined): string {
  return `${normalizeMountPath(mountPath)}${SOCKET_IO_PATH}`;
}

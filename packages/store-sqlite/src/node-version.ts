/** The oldest Node the SQLite store runs on: better-sqlite3 13 needs Node 22's N-API. */
const MIN_NODE_VERSION = '22.12.0';

/** Thrown on a Node older than `MIN_NODE_VERSION`, where better-sqlite3 would crash the process. */
export class UnsupportedNodeError extends Error {
  override readonly name = 'UnsupportedNodeError';
  readonly code = 'unsupported_node';
  readonly version: string;
  constructor(version: string) {
    super(`casekit needs Node 22.12 or newer; this is ${version}. Install Node 22 or later and run it again.`);
    this.version = version;
  }
}

/**
 * Throws `UnsupportedNodeError` on Node older than 22.12. On Node 20, better-sqlite3 ends the
 * process with a segmentation fault when it opens a file, so check before it loads.
 * @example assertSupportedNode(); // throws on Node 20.20.2, returns on 22.12.0
 */
export function assertSupportedNode(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = MIN_NODE_VERSION.split('.').map(Number);
  if (major < minMajor || (major === minMajor && minor < minMinor)) throw new UnsupportedNodeError(version);
}

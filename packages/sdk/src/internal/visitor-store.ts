import type { DBSchema, IDBPDatabase } from 'idb';
import type { Attachment } from '@casekit/protocol';

/** A visitor session as kept between page loads. */
export interface StoredSession {
  scope: string;
  token: string;
  customerId: string;
  channelId: string;
  identified: boolean;
  expiresAt: string;
  /** The host user this session belongs to (identified visitors), so another user never inherits it. */
  userId: string | null;
  /** The newest event seq delivered, so a reloaded page resumes after it. */
  lastSeq: number;
}

/** One message waiting in the outbox. */
export interface StoredPending {
  scope: string;
  clientMessageId: string;
  text: string;
  attachments?: Attachment[];
  createdAt: string;
  status: 'pending' | 'failed';
  /** Sort key: send order. */
  order: number;
}

/** Where a visitor client keeps its session and outbox. */
export interface VisitorStore {
  getSession(): Promise<StoredSession | undefined>;
  putSession(session: StoredSession): Promise<void>;
  /** Lists the outbox in send order. */
  listPending(): Promise<StoredPending[]>;
  putPending(item: StoredPending): Promise<void>;
  deletePending(clientMessageId: string): Promise<void>;
  /** Forgets the session and the outbox of this scope. */
  clear(): Promise<void>;
  close(): void;
}

/** The session and outbox held in memory only (Node, private windows, tests). */
export function createMemoryStore(scope: string): VisitorStore {
  let session: StoredSession | undefined;
  const outbox = new Map<string, StoredPending>();
  return {
    async getSession() {
      return session ? { ...session } : undefined;
    },
    async putSession(value) {
      session = { ...value, scope };
    },
    async listPending() {
      return [...outbox.values()].sort((a, b) => a.order - b.order).map((p) => ({ ...p }));
    },
    async putPending(item) {
      outbox.set(item.clientMessageId, { ...item, scope });
    },
    async deletePending(id) {
      outbox.delete(id);
    },
    async clear() {
      session = undefined;
      outbox.clear();
    },
    close() {},
  };
}

interface CasekitDb extends DBSchema {
  sessions: { key: string; value: StoredSession };
  outbox: { key: string; value: StoredPending; indexes: { scope: string } };
}

/** The IndexedDB database every visitor client of this origin shares, one scope per server and channel. */
export const IDB_NAME = 'casekit-visitor';

/** The session and outbox in IndexedDB, so both survive a reload or a closed tab. */
export function createIndexedDbStore(scope: string): VisitorStore {
  let db: Promise<IDBPDatabase<CasekitDb>> | undefined;
  // idb loads on first use, so pages that bundle only the agent client never carry it.
  const open = () =>
    (db ??= import('idb').then(({ openDB }) =>
      openDB<CasekitDb>(IDB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore('sessions', { keyPath: 'scope' });
          const outbox = database.createObjectStore('outbox', { keyPath: 'clientMessageId' });
          outbox.createIndex('scope', 'scope');
        },
      }),
    ));
  return {
    async getSession() {
      return (await open()).get('sessions', scope);
    },
    async putSession(value) {
      await (await open()).put('sessions', { ...value, scope });
    },
    async listPending() {
      const items = await (await open()).getAllFromIndex('outbox', 'scope', scope);
      return items.sort((a, b) => a.order - b.order);
    },
    async putPending(item) {
      await (await open()).put('outbox', { ...item, scope });
    },
    async deletePending(id) {
      await (await open()).delete('outbox', id);
    },
    async clear() {
      const database = await open();
      const tx = database.transaction(['sessions', 'outbox'], 'readwrite');
      await tx.objectStore('sessions').delete(scope);
      const outbox = tx.objectStore('outbox');
      for (const key of await outbox.index('scope').getAllKeys(scope)) await outbox.delete(key);
      await tx.done;
    },
    close() {
      void db?.then((d) => d.close());
      db = undefined;
    },
  };
}

/** True where IndexedDB exists (browsers; Node only with a polyfill). */
export function hasIndexedDb(): boolean {
  return typeof globalThis.indexedDB !== 'undefined' && globalThis.indexedDB !== null;
}

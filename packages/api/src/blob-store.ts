/** An uploaded file's facts: what a message attachment shows, and who uploaded it. */
export interface BlobInfo {
  /** `up_` and at least 128 random bits: the only key to the file. */
  id: string;
  workspaceId: string;
  name: string;
  contentType: string;
  size: number;
  /** Who uploaded it: an agent, or a visitor's customer profile. */
  owner: { kind: 'agent' | 'customer'; id: string };
  createdAt: string;
  /** When a message first carried it; files never attached are swept after a while. */
  attachedAt?: string;
}

/**
 * Where uploaded files live. `@casekit/server`'s `createFileBlobStore` keeps them on disk and
 * `createMemoryBlobStore` in memory; a team running several servers puts S3 or another shared
 * store behind the same methods (plus `markAttached` and `sweep` to clean up, or an expiry rule
 * of the store itself).
 */
export interface BlobStore {
  /** Stores the bytes of `data` under `info.id` and answers the facts with their size; when `data` throws, nothing is left behind. */
  put(info: Omit<BlobInfo, 'size'>, data: AsyncIterable<Uint8Array>): Promise<BlobInfo>;
  /** The file's facts, or null when there is no such file. */
  stat(id: string): Promise<BlobInfo | null>;
  /** The file's facts and its bytes, or null when there is no such file. */
  open(id: string): Promise<{ info: BlobInfo; stream: AsyncIterable<Uint8Array> } | null>;
  /** Notes that a message carries the file, so `sweep` keeps it. */
  markAttached?(id: string, at: Date): Promise<void>;
  /** Deletes files uploaded before `before` that no message carries, and unfinished uploads; answers how many. */
  sweep?(before: Date): Promise<number>;
}

/**
 * A BlobStore in memory, for tests and the mocks; everything is gone when the process or page is.
 * @example const blobs = createMemoryBlobStore()
 */
export function createMemoryBlobStore(): BlobStore {
  const files = new Map<string, { info: BlobInfo; bytes: Uint8Array }>();
  return {
    async put(info, data) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        chunks.push(chunk);
        size += chunk.byteLength;
      }
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) (bytes.set(chunk, offset), (offset += chunk.byteLength));
      const stored: BlobInfo = { ...info, size };
      files.set(info.id, { info: stored, bytes });
      return { ...stored };
    },
    async stat(id) {
      const file = files.get(id);
      return file ? { ...file.info } : null;
    },
    async open(id) {
      const file = files.get(id);
      if (!file) return null;
      const bytes = file.bytes;
      return { info: { ...file.info }, stream: (async function* () { yield bytes; })() };
    },
    async markAttached(id, at) {
      const file = files.get(id);
      if (file && !file.info.attachedAt) file.info = { ...file.info, attachedAt: at.toISOString() };
    },
    async sweep(before) {
      let removed = 0;
      for (const [id, file] of files) {
        if (!file.info.attachedAt && Date.parse(file.info.createdAt) < before.getTime()) (files.delete(id), removed++);
      }
      return removed;
    },
  };
}

import { createReadStream } from 'node:fs';
import { mkdir, open as openFile, readdir, readFile, rename, rm, stat as fsStat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobInfo, BlobStore } from '@casekit/api';
import { UPLOAD_ID_PATTERN } from '@casekit/protocol';

const SAFE_ID = new RegExp(`^${UPLOAD_ID_PATTERN}$`);

/**
 * A BlobStore in a folder: each file and a JSON sidecar of its facts, in subfolders by the
 * id's first characters. A file only counts once its sidecar is written.
 * @example const blobs = createFileBlobStore(join(dataDir, 'uploads'))
 */
export function createFileBlobStore(dir: string): BlobStore {
  const folder = (id: string) => join(dir, id.slice(3, 5));
  const paths = (id: string) => {
    // Ids come from URLs; anything else never reaches the file system.
    if (!SAFE_ID.test(id)) throw new Error(`not an upload id: ${JSON.stringify(id)}`);
    return { data: join(folder(id), id), meta: join(folder(id), `${id}.json`), partial: join(folder(id), `${id}.partial`) };
  };

  async function stat(id: string): Promise<BlobInfo | null> {
    if (!SAFE_ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(paths(id).meta, 'utf8')) as BlobInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  return {
    async put(info, data) {
      const p = paths(info.id);
      await mkdir(folder(info.id), { recursive: true });
      const file = await openFile(p.partial, 'wx', 0o600);
      try {
        let size = 0;
        for await (const chunk of data) {
          await file.write(chunk);
          size += chunk.byteLength;
        }
        await file.close();
        await rename(p.partial, p.data);
        const stored: BlobInfo = { ...info, size };
        await writeFile(p.meta, JSON.stringify(stored), { mode: 0o600 });
        return stored;
      } catch (error) {
        await file.close().catch(() => undefined);
        await Promise.all([rm(p.partial, { force: true }), rm(p.data, { force: true })]);
        throw error;
      }
    },
    stat,
    async open(id) {
      const info = await stat(id);
      if (!info) return null;
      return { info, stream: createReadStream(paths(id).data) };
    },
    async markAttached(id, at) {
      const info = await stat(id);
      if (!info || info.attachedAt) return;
      await writeFile(paths(id).meta, JSON.stringify({ ...info, attachedAt: at.toISOString() }), { mode: 0o600 });
    },
    async sweep(before) {
      let removed = 0;
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        if (entry.name.endsWith('.partial')) {
          // An upload still being written is younger than `before`; an older one was abandoned.
          const written = await fsStat(path).catch(() => null);
          if (written && written.mtime < before) (await rm(path, { force: true }), removed++);
          continue;
        }
        if (!entry.name.endsWith('.json')) continue;
        const info = await stat(entry.name.slice(0, -'.json'.length)).catch(() => null);
        if (!info || info.attachedAt || Date.parse(info.createdAt) >= before.getTime()) continue;
        const p = paths(info.id);
        // The sidecar first: without it the file no longer counts, even if removing the bytes fails.
        await rm(p.meta, { force: true });
        await rm(p.data, { force: true });
        removed++;
      }
      return removed;
    },
  };
}

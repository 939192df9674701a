// The embedded database is one process's at a time: two processes writing the same PGlite
// folder would corrupt it. A lock file holds the owner's pid; a lock whose process is gone
// is taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirBusyError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid}; stop it first, ` +
        'or use a PostgreSQL server (DATABASE_URL) to run several processes at once',
    );
    this.name = 'DataDirBusyError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of a data folder; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'ambassador.lock');
  // The pid is written to a file of this process first and linked into place, which fails if
  // the lock exists: a lock file is never seen empty, even while it is being taken.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    return takeLock(dataDir, file, mine);
  } finally {
    rmSync(mine, { force: true });
  }
}

function takeLock(dataDir: string, file: string, mine: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      linkSync(mine, file);
      const release = () => rmSync(file, { force: true });
      process.once('exit', release);
      return () => {
        process.removeListener('exit', release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new DataDirBusyError(dataDir, pid);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot lock ${dataDir}`);
}

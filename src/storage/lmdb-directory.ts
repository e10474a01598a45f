import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from './store';

/**
 * Claiming a node's storage directory before LMDB opens it.
 *
 * LMDB itself lets several processes share an environment safely (readers register in lock.mdb,
 * writers serialize on a robust mutex there), so a second process would not corrupt the data —
 * it would silently become a second writer of the same replica set, and block in `beginTxn`
 * whenever the first one holds a write transaction. Neither is a state a node should run in, so
 * the directory is claimed with a pid lock file and a second claimant gets a clear StorageError.
 * A lock left by a process that died (kill -9) is stale: its pid no longer runs, and it is taken over.
 *
 * Within one process node-lmdb shares one MDB_env per path (and closing either handle closes it),
 * so a second open of the same directory in this process is refused too.
 */
export const LOCK_FILE = 'dynkv.lock';

const claimedInProcess = new Set<string>();

export interface DirectoryClaim {
  /** The directory's real path. */
  readonly path: string;
  /** Remove the lock file and let the directory be claimed again. Idempotent. */
  release(): void;
}

/** Create `requested` if needed, check it is a writable directory, and claim it. */
export function claimDirectory(requested: string): DirectoryClaim {
  if (requested.length === 0) throw new StorageError('storage path is empty');
  const absolute = path.resolve(requested);
  try {
    fs.mkdirSync(absolute, { recursive: true });
  } catch (error) {
    throw new StorageError(describeMkdirFailure(absolute, error));
  }
  if (!fs.statSync(absolute).isDirectory()) {
    throw new StorageError(`storage path ${absolute} is not a directory`);
  }
  try {
    fs.accessSync(absolute, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new StorageError(`storage directory ${absolute} is not readable and writable by this process`);
  }
  const real = fs.realpathSync(absolute);
  if (claimedInProcess.has(real)) {
    throw new StorageError(`storage directory ${real} is already open in this process`);
  }
  const lockPath = takeLockFile(real);
  claimedInProcess.add(real);
  let released = false;
  return {
    path: real,
    release() {
      if (released) return;
      released = true;
      claimedInProcess.delete(real);
      try {
        fs.unlinkSync(lockPath);
      } catch {
        // Already gone: nothing to release. A stale lock file would be taken over anyway.
      }
    },
  };
}

function describeMkdirFailure(directory: string, error: unknown): string {
  switch (errorCode(error)) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `storage path ${directory} is not a directory (a file is in the way)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot create storage directory ${directory}: permission denied`;
    case 'EROFS':
      return `cannot create storage directory ${directory}: read-only file system`;
    default:
      return `cannot create storage directory ${directory}: ${errorMessage(error)}`;
  }
}

function takeLockFile(directory: string): string {
  const lockPath = path.join(directory, LOCK_FILE);
  // Two attempts: the second follows the removal of a stale lock. Losing that race to another
  // process means it holds the directory now, which the second attempt reports.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return lockPath;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') {
        throw new StorageError(`cannot create lock file ${lockPath}: ${errorMessage(error)}`);
      }
    }
    const holder = readPid(lockPath);
    // Our own pid in the file can only be a previous incarnation (a container restarts as pid 1):
    // a live claim by this process is caught by claimedInProcess above.
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      throw new StorageError(
        `storage directory ${directory} is in use by process ${holder} (lock file ${lockPath}); ` +
          'stop that process, or delete the lock file if it is not a dynkv node',
      );
    }
    try {
      fs.unlinkSync(lockPath);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        throw new StorageError(`cannot remove stale lock file ${lockPath}: ${errorMessage(error)}`);
      }
    }
  }
  throw new StorageError(`storage directory ${directory} is being claimed by another process`);
}

function readPid(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return errorCode(error) === 'EPERM';
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

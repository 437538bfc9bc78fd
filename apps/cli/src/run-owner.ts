import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/** This machine, as 8 hex digits (host names may hold characters that do not belong in file names). */
export const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** This process: `<host tag>-<pid>`; written into temporaries and item claims. */
export const OWNER = `${HOST_TAG}-${process.pid}`;

/**
 * Whether the process that wrote `owner` may still be running. Only processes of this machine
 * can be checked; one of another machine counts as alive. A pid reused by an unrelated process
 * also counts as alive: that only delays a clean-up, it never removes live work.
 */
export function ownerAlive(owner: string): boolean {
  const match = /^([0-9a-f]{8})-(\d+)$/.exec(owner);
  if (!match || match[1] !== HOST_TAG) return true;
  const pid = Number(match[2]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

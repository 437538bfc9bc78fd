import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { temporaryOwner, temporaryPath } from './files.js';
import { HOST_TAG, OWNER, ownerAlive } from './run-owner.js';

/**
 * Claims on batch items, so that runs sharing an out-dir (several shards, or the same shard
 * started twice) never compute one item at the same time. A claim is the file `.<id>.claim`
 * holding its owner (see run-owner.ts); it appears with its content in one step (a hard link of
 * a written temporary). A claim whose owner died (kill -9) is taken over by exactly one run:
 * the taker must first create `.<id>.claim.<dead owner>` exclusively.
 */

const claimPath = (outDir: string, id: string): string => join(outDir, `.${id}.claim`);

function createExclusive(path: string, content: string): boolean {
  const temp = temporaryPath(path);
  writeFileSync(temp, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CliError(`cannot create ${path}: ${(error as Error).message}`);
  } finally {
    rmSync(temp, { force: true });
  }
}

function readOwner(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export class ItemClaims {
  private readonly successors = new Map<string, string>();
  /**
   * `staleElsewhere`: a claim from another machine is a dead earlier attempt of this run. True
   * under a scheduler (`--shard auto`), which runs one task per shard at a time and whose retry
   * of a task lands on another host (a new pod), where the claim could not be checked otherwise.
   */
  constructor(
    private readonly outDir: string,
    private readonly options: { readonly staleElsewhere?: boolean } = {},
  ) {}

  private alive(owner: string): boolean {
    if (this.options.staleElsewhere === true && !owner.startsWith(`${HOST_TAG}-`)) return false;
    return ownerAlive(owner);
  }

  /** True when this run now holds the item; false when a live run holds it (or won its take-over). */
  claim(id: string): boolean {
    const path = claimPath(this.outDir, id);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createExclusive(path, OWNER)) return true;
      const owner = readOwner(path);
      if (owner === null) continue; // released meanwhile: try again
      if (this.alive(owner)) return false;
      const successor = `${path}.${owner}`;
      if (!createExclusive(successor, OWNER)) return false;
      const temp = temporaryPath(path);
      writeFileSync(temp, OWNER);
      renameSync(temp, path);
      this.successors.set(id, successor);
      return true;
    }
    return false;
  }

  /** Whether a live run other than this one holds the item. */
  heldByOther(id: string): boolean {
    const owner = readOwner(claimPath(this.outDir, id));
    return owner !== null && owner !== OWNER && this.alive(owner);
  }

  release(id: string): void {
    const path = claimPath(this.outDir, id);
    if (readOwner(path) === OWNER) rmSync(path, { force: true });
    const successor = this.successors.get(id);
    if (successor !== undefined) rmSync(successor, { force: true });
    this.successors.delete(id);
  }
}

/**
 * Removes what dead runs of this machine left behind: temporaries and take-over markers whose
 * owner is gone. Files of live runs (other shards writing now) and of other machines are kept.
 */
export function removeDeadRunLeftovers(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const owner = temporaryOwner(name);
    if (owner !== null && !ownerAlive(owner)) rmSync(join(outDir, name), { force: true });
    // The claim of a dead run on an item it finished (killed before releasing it).
    const claim = /^\.(.+)\.claim$/.exec(name);
    if (claim && existsSync(join(outDir, `${claim[1] as string}.json`))) {
      const holder = readOwner(join(outDir, name));
      if (holder !== null && !ownerAlive(holder)) rmSync(join(outDir, name), { force: true });
    }
    // A take-over marker is done with once the claim no longer names the dead owner.
    const marker = /^(\..+\.claim)\.([0-9a-f]{8}-\d+)$/.exec(name);
    if (marker && readOwner(join(outDir, marker[1] as string)) !== marker[2]) rmSync(join(outDir, name), { force: true });
  }
}

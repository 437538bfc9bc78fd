import type { GraphCache } from '../cache/graph-cache.js';
import type { PreparedModel } from '../model/prepare.js';
import { encodeModel } from '../proto/model-io.js';

// Present in Node and browsers; declared here because the build targets plain ES2022.
const { TextEncoder: Utf8Encoder } = globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } };

export interface ModelIdentity {
  /** The model as the caller gave it: its bytes are hashed as they are, with no encoding. */
  readonly source: Uint8Array | undefined;
  /** The model as differentiated; encoded and hashed when the caller gave no bytes. */
  readonly prepared: PreparedModel;
  /** What the backend did to the prepared model besides prepareModel (e.g. the WebGPU pool rewrite). */
  readonly rewrites: readonly string[];
}

/**
 * The model's identity in cache keys. Given bytes, the digest of those bytes and the rewrites
 * applied to them: preparation is a function of the bytes and this package's code, which every
 * entry's version already names, so a warm run needs no encoding of the model. Given an object
 * or a prepared model, the digest of the prepared model's encoding.
 */
export async function modelDigest(cache: GraphCache, identity: ModelIdentity): Promise<string> {
  if (identity.source === undefined) return cache.digest(encodeModel(identity.prepared.model));
  const bytes = await cache.digest(identity.source);
  return cache.digest(new Utf8Encoder().encode(JSON.stringify({ bytes, prepared: true, rewrites: identity.rewrites })));
}

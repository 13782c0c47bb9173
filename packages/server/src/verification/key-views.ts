/**
 * @module Key views
 *
 * What the server works out from a loaded key, once per loaded key rather than on every
 * request: the rights the key holds as a caller of Keyward's own API, how a verify answer shows
 * it, and the text of its plain VALID answer. It rests on the one invariant of loaded keys
 * (core's `VerifiableKey`): a loaded key and its identity are frozen, and any change to the key
 * or to its accountable user loads a new one. So a view, kept beside the identity it was made
 * from, is exact for as long as that identity is the one the verifier hands out, and goes with
 * it. This is the server's only cache keyed by a loaded key.
 */
import { type KeyIdentity, keyRights } from '@keyward/core';
import type { Principal } from '../auth/principal.ts';

/** A key as the public verify answer shows it: never its grant's other dimensions. */
export type ShownKey = Pick<
  KeyIdentity,
  'id' | 'name' | 'orgId' | 'ownerId' | 'environment' | 'scopes' | 'metadata'
>;

/** What the server derives from one loaded key. */
export interface KeyView {
  /** The key as a caller: its grant within its accountable user's current rights (core's `keyRights`). */
  readonly principal: Principal;
  /** The key in a verify answer. */
  readonly shown: ShownKey;
  /** The serialized plain VALID answer for this key, once one was rendered (see the verify answer). */
  validAnswer: string | undefined;
}

const views = new WeakMap<KeyIdentity, KeyView>();

/** The view of a loaded key's identity, made on first use. */
export function keyView(identity: KeyIdentity): KeyView {
  let view = views.get(identity);
  if (!view) {
    view = {
      principal: Object.freeze({
        ...keyRights(identity),
        kind: 'key' as const,
        actor: { type: 'key' as const, id: identity.id, name: identity.name },
      }),
      shown: Object.freeze({
        id: identity.id,
        name: identity.name,
        orgId: identity.orgId,
        ownerId: identity.ownerId,
        environment: identity.environment,
        scopes: identity.scopes,
        metadata: identity.metadata,
      }),
      validAnswer: undefined,
    };
    views.set(identity, view);
  }
  return view;
}

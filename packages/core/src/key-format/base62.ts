import baseX from 'base-x';

/** Digits, then upper case, then lower case: the alphabet most base62 tools agree on. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const codec = baseX(BASE62_ALPHABET);

/** Encodes bytes as base62, left-padded with `0` to `width` characters. */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  const encoded = codec.encode(bytes);
  if (encoded.length > width)
    throw new RangeError(`base62 value needs ${encoded.length} > ${width} characters`);
  return encoded.padStart(width, '0');
}

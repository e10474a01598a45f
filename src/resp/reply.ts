/**
 * What a command answers, independent of the protocol version. The encoder turns a Reply into
 * RESP2 or RESP3 bytes (maps, sets, doubles and booleans degrade to their RESP2 forms as Redis does).
 */
export type Reply =
  | { readonly kind: 'simple'; readonly value: string }
  | { readonly kind: 'error'; readonly message: string } // full text, e.g. "ERR syntax error"
  | { readonly kind: 'integer'; readonly value: number | bigint }
  | { readonly kind: 'bulk'; readonly value: Buffer | string }
  | { readonly kind: 'null' } // RESP2 "$-1", RESP3 "_"
  | { readonly kind: 'nullArray' } // RESP2 "*-1", RESP3 "_"
  | { readonly kind: 'array'; readonly items: readonly Reply[] }
  | { readonly kind: 'map'; readonly entries: ReadonlyArray<readonly [Reply, Reply]> } // RESP2: flat array
  | { readonly kind: 'set'; readonly items: readonly Reply[] } // RESP2: array
  | { readonly kind: 'double'; readonly value: number } // RESP2: bulk string
  | { readonly kind: 'boolean'; readonly value: boolean } // RESP2: integer 1/0
  | { readonly kind: 'verbatim'; readonly format: string; readonly value: string }; // RESP2: bulk string

export const OK: Reply = { kind: 'simple', value: 'OK' };
export const NULL: Reply = { kind: 'null' };
export const NULL_ARRAY: Reply = { kind: 'nullArray' };
export const ZERO: Reply = { kind: 'integer', value: 0 };
export const ONE: Reply = { kind: 'integer', value: 1 };

export const simple = (value: string): Reply => ({ kind: 'simple', value });
export const error = (message: string): Reply => ({ kind: 'error', message });
export const integer = (value: number | bigint): Reply => ({ kind: 'integer', value });
export const bulk = (value: Buffer | string): Reply => ({ kind: 'bulk', value });
export const array = (items: readonly Reply[]): Reply => ({ kind: 'array', items });
export const map = (entries: ReadonlyArray<readonly [Reply, Reply]>): Reply => ({ kind: 'map', entries });
export const bulkOrNull = (value: Buffer | string | undefined): Reply => (value === undefined ? NULL : bulk(value));

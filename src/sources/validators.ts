// Validators for conditional requests, kept per URL: the ETag and Last-Modified an upstream
// sent with a body, and that body, so a 304 Not Modified can be answered from what we kept.
// The interface is small so the sync engine can back it by the database; the in-memory
// implementation serves tests and one-off runs.

export interface StoredValidators {
  etag?: string;
  lastModified?: string;
  /** The body that came with the validators, as the bytes received (decoded by the reader). */
  body?: Uint8Array;
  /**
   * The headers of that response a reader needs with the body (KEPT_HEADERS): a 304 need not
   * repeat them, and without `link` an unchanged first page would end the paging.
   */
  headers?: Record<string, string>;
}

/** Response headers kept with a body for its 304s. */
export const KEPT_HEADERS = ['link', 'content-type'] as const;

export function keptHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const kept = Object.fromEntries(KEPT_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]!]));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

export interface ValidatorStore {
  get(url: string): Promise<StoredValidators | null>;
  set(url: string, validators: StoredValidators): Promise<void>;
}

/** Keeps validators in a Map, evicting the oldest entry past `maxEntries`. */
export function memoryValidatorStore(maxEntries = 10_000): ValidatorStore & { size(): number } {
  const entries = new Map<string, StoredValidators>();
  return {
    async get(url) {
      return entries.get(url) ?? null;
    },
    async set(url, validators) {
      entries.delete(url);
      entries.set(url, validators);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    size: () => entries.size,
  };
}

// Validators for conditional requests, kept per URL: the ETag and Last-Modified an upstream
// sent with a body, and that body, so a 304 Not Modified can be answered from what we kept.
// The interface is small so the sync engine can back it by the database; the in-memory
// implementation serves tests and one-off runs.

export interface StoredValidators {
  etag?: string;
  lastModified?: string;
  /** The body that came with the validators, as text. */
  body?: string;
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

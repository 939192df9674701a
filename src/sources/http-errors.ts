// The errors the HTTP client throws. Each names the URL (with secrets redacted) and says what
// went wrong in words an operator can act on; `kind` lets a source decide what to do (a 404
// flags an identity as gone, a rate limit stops the run until the reset, ...).

export type HttpErrorKind =
  | 'invalid-url'
  | 'blocked-address'
  | 'network'
  | 'timeout'
  | 'status'
  | 'too-large'
  | 'decode'
  | 'redirect'
  | 'rate-limited';

const SECRET_PARAMS = /^(access_token|token|key|client_secret|client_id|api_key|apikey|password|secret|sig|signature)$/i;

/** The URL as it may appear in logs, errors and recordings: no credentials, no secret query parameters. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.slice(0, 200);
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.toString();
}

export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly url: string;
  readonly status: number | undefined;
  /** A short, plain excerpt of the error body, when there was one. */
  readonly bodyExcerpt: string | undefined;

  constructor(
    kind: HttpErrorKind,
    url: string,
    detail: string,
    options: { status?: number; bodyExcerpt?: string; cause?: unknown } = {},
  ) {
    super(`GET ${redactUrl(url)}: ${detail}`, { cause: options.cause });
    this.name = 'HttpError';
    this.kind = kind;
    this.url = redactUrl(url);
    this.status = options.status;
    this.bodyExcerpt = options.bodyExcerpt;
  }
}

export class RateLimitError extends HttpError {
  /** When the upstream says requests may resume, if it said. */
  readonly resetAt: Date | undefined;

  constructor(url: string, detail: string, resetAt: Date | undefined, status?: number) {
    super('rate-limited', url, detail, { status });
    this.name = 'RateLimitError';
    this.resetAt = resetAt;
  }
}

export function isHttpStatus(error: unknown, ...statuses: number[]): error is HttpError {
  return error instanceof HttpError && error.status !== undefined && statuses.includes(error.status);
}

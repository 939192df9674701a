// Errors the store raises for things a person did wrong (as opposed to bugs): the CLI
// prints their message on one line, the web turns them into 4xx answers.
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'invalid' | 'forbidden' = 'invalid',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}

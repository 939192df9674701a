// Argument parsers for commander: they reject bad values with a message naming the value.
import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../domain/dates.js';

export function isoDateArgument(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${value}"`);
  return value;
}

export function yearArgument(value: string): number {
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < 2000) throw new InvalidArgumentError(`expected a year like 2026, got "${value}"`);
  return year;
}

export function positiveIntArgument(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got "${value}"`);
  return number;
}

export function portArgument(value: string): number {
  const port = Number(value);
  // 0 asks the system for a free port (tests); serve prints the one it got.
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`expected a port 0-65535, got "${value}"`);
  return port;
}

// When a source runs under `serve`: an interval ('30m', '1h', '6h', '1d') or a five-field cron
// pattern read in UTC ('15 */3 * * *'). The settings keep the text; this module turns it into a
// spec the scheduler uses, and says in plain words what is wrong with a bad one.
import { Cron } from 'croner';

export type ScheduleSpec =
  | { kind: 'interval'; seconds: number; text: string }
  | { kind: 'cron'; pattern: string; text: string };

/** Upstream APIs are polled no more often than this. */
export const MIN_INTERVAL_SECONDS = 5 * 60;

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
const EXPECTED = 'expected an interval such as 30m, 1h or 6h, or a five-field cron pattern such as "0 */3 * * *"';

export function parseSchedule(text: string): ScheduleSpec | { problem: string } {
  const trimmed = text.trim();
  const interval = /^(\d+)\s*([mhd])$/i.exec(trimmed);
  if (interval) {
    const seconds = Number(interval[1]) * UNIT_SECONDS[interval[2]!.toLowerCase()]!;
    if (seconds < MIN_INTERVAL_SECONDS) return { problem: `expected an interval of at least 5m, got ${JSON.stringify(text)}` };
    return { kind: 'interval', seconds, text: trimmed };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return { problem: `${EXPECTED}, got ${JSON.stringify(text)}` };
  try {
    new Cron(trimmed, { paused: true, mode: '5-part', timezone: 'UTC' }).stop();
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern:\s*/, '');
    return { problem: `expected a valid cron pattern (minute hour day month weekday), got ${JSON.stringify(text)}: ${reason}` };
  }
  return { kind: 'cron', pattern: trimmed, text: trimmed };
}

/** The spec of a schedule the settings have validated already. */
export function scheduleSpec(text: string): ScheduleSpec {
  const parsed = parseSchedule(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

export function scheduleProblem(text: string): string | null {
  const parsed = parseSchedule(text);
  return 'problem' in parsed ? parsed.problem : null;
}

export const SCHEDULE_TYPE_ERROR = EXPECTED;

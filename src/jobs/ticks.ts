// When recurring work comes due: the ticks of a schedule, the same instants in every process.
// An interval's ticks are its multiples since the Unix epoch (an hourly job ticks on the hour
// whichever instance started when), a cron pattern's are its own times in UTC. The id of a
// tick's job is derived from the tick (queue.ts), so the instances that all fire for it
// enqueue one job between them.
import { Cron } from 'croner';
import type { ScheduleSpec } from '../sync/schedule-spec.js';

/** The latest tick at or before `at`, or null when the schedule has none. */
export function previousTick(spec: ScheduleSpec, at: Date): Date | null {
  if (spec.kind === 'interval') {
    const ms = spec.seconds * 1000;
    return new Date(Math.floor(at.getTime() / ms) * ms);
  }
  const cron = new Cron(spec.pattern, { paused: true, mode: '5-part', timezone: 'UTC' });
  // previousRuns looks strictly before the date: a tick exactly at `at` counts as at or before.
  const [previous] = cron.previousRuns(1, new Date(at.getTime() + 1));
  cron.stop();
  return previous ?? null;
}

/** The first tick strictly after `at`. */
export function nextTick(spec: ScheduleSpec, at: Date): Date | null {
  if (spec.kind === 'interval') {
    const ms = spec.seconds * 1000;
    return new Date((Math.floor(at.getTime() / ms) + 1) * ms);
  }
  const cron = new Cron(spec.pattern, { paused: true, mode: '5-part', timezone: 'UTC' });
  const next = cron.nextRun(at);
  cron.stop();
  return next;
}

export interface Ticker {
  stop(): void;
}

/** Calls `fire(tick)` at every tick from now on, until stopped. */
export function startTicker(spec: ScheduleSpec, fire: (tick: Date) => void, now: () => Date = () => new Date()): Ticker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const plan = () => {
    if (stopped) return;
    const tick = nextTick(spec, now());
    if (!tick) return;
    // Timers longer than about 24.8 days overflow; wake up sooner and plan again.
    const wait = Math.min(tick.getTime() - now().getTime(), 2 ** 31 - 1);
    timer = setTimeout(() => {
      if (now().getTime() >= tick.getTime()) fire(tick);
      plan();
    }, Math.max(0, wait));
    timer.unref();
  };
  plan();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

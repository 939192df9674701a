// Progress of long work: a bar on a terminal; elsewhere (CI, cron, a pipe) structured log
// lines on stderr, at most every few seconds, that say the same.
import cliProgress from 'cli-progress';
import { pino } from 'pino';

export interface Progress {
  /** `detail` says what is going on now (shown after the bar, logged with the line). */
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

const LOG_EVERY_MS = 5000;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? terminalBar(label, stream) : logLines(label, stream);
}

function terminalBar(label: string, stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted} {detail}`, stream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, detail = '') {
      if (!started) {
        bar.start(total, done, { detail });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { detail });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function logLines(label: string, stream: NodeJS.WriteStream): Progress {
  const log = pino({ base: undefined }, stream);
  const startedAt = Date.now();
  let lastAt = 0;
  let last: { done: number; total: number; detail?: string } = { done: 0, total: 0 };
  return {
    update(done, total, detail) {
      last = { done, total, ...(detail ? { detail } : {}) };
      const now = Date.now();
      if (now - lastAt < LOG_EVERY_MS && done < total) return;
      lastAt = now;
      log.info({ task: label, ...last, elapsedMs: now - startedAt }, `${label}: ${done}/${total}${detail ? ` ${detail}` : ''}`);
    },
    stop() {
      log.info({ task: label, ...last, elapsedMs: Date.now() - startedAt, finished: true }, `${label}: finished`);
    },
  };
}

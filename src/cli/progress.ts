// Progress of long work: a bar on a terminal; elsewhere (CI, cron, a pipe) structured log
// lines on stderr, at most every few seconds, that say the same.
import cliProgress from 'cli-progress';
import { pino } from 'pino';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const LOG_EVERY_MS = 5000;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? terminalBar(label, stream) : logLines(label, stream);
}

function terminalBar(label: string, stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`, stream, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
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
  let last = { done: 0, total: 0 };
  return {
    update(done, total) {
      last = { done, total };
      const now = Date.now();
      if (now - lastAt < LOG_EVERY_MS && done < total) return;
      lastAt = now;
      log.info({ task: label, done, total, elapsedMs: now - startedAt }, `${label}: ${done}/${total}`);
    },
    stop() {
      log.info({ task: label, ...last, elapsedMs: Date.now() - startedAt, finished: true }, `${label}: finished`);
    },
  };
}

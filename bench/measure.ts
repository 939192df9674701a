// Timing helpers for benchmarks: every figure is reported as a ratio to a baseline measured
// in the same run, on the same machine, so the numbers mean something anywhere.
export async function timeOnce(body: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await body();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time in milliseconds over `runs` runs, after one warm-up run. */
export async function medianMs(body: () => Promise<unknown>, runs = 5): Promise<number> {
  await body();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push(await timeOnce(body));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function report(title: string, baseline: { label: string; ms: number }, rows: { label: string; ms: number; note?: string }[]): void {
  console.log(`\n${title}`);
  console.log(`  baseline: ${baseline.label}: ${baseline.ms.toFixed(1)} ms`);
  for (const row of rows) {
    console.log(
      `  ${row.label.padEnd(58)} ${row.ms.toFixed(1).padStart(10)} ms  = ${(row.ms / baseline.ms).toFixed(2).padStart(8)} x baseline${row.note ? `  (${row.note})` : ''}`,
    );
  }
}

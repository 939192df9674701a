// `npm run bench`: runs every benchmark (or those named: `npm run bench -- core-scale`).
// Each prints its figures as ratios to a baseline measured in the same run.
import { run as coreScale } from './core-scale.js';
import { run as gharchiveThroughput } from './gharchive-throughput.js';
import { run as syncRequests } from './sync-requests.js';
import { run as syncScale } from './sync-scale.js';
import { run as webPages } from './web-pages.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'core-scale': coreScale,
  'gharchive-throughput': gharchiveThroughput,
  'sync-requests': syncRequests,
  'sync-scale': syncScale,
  'web-pages': webPages,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHMARKS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}

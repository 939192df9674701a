// A bounded loopback load generator for the web benchmarks. It runs in a worker thread, so
// its event loop does not compete with the server's: a fixed number of keep-alive
// connections, each sending its next request as soon as the previous answer is read, for a
// fixed time. Reports requests per second and latency percentiles.
import { Worker } from 'node:worker_threads';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

const WORKER = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, connections, seconds, cookie } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
const latencies = [];
let errors = 0;
const deadline = Date.now() + seconds * 1000;
function one() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers: cookie ? { cookie } : {} }, (response) => {
      response.on('data', () => {});
      response.on('end', () => {
        if (response.statusCode !== 200) errors += 1;
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
        resolve();
      });
    });
    request.on('error', () => { errors += 1; resolve(); });
    request.end();
  });
}
async function loop() { while (Date.now() < deadline) await one(); }
const started = Date.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  agent.destroy();
  parentPort.postMessage({ latencies, errors, seconds: (Date.now() - started) / 1000 });
});
`;

export async function load(url: string, options: { connections?: number; seconds?: number } = {}): Promise<LoadResult> {
  const worker = new Worker(WORKER, { eval: true, workerData: { url, connections: options.connections ?? 16, seconds: options.seconds ?? 10 } });
  const { latencies, errors, seconds } = await new Promise<{ latencies: number[]; errors: number; seconds: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

// A PostgreSQL database of its own for each benchmark, created empty and dropped afterwards
// (kept with BENCH_KEEP=1 to look at it). The server is BENCH_DATABASE_URL or the local one.
import pg from 'pg';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Drops and creates `name`; returns its connection URL. */
export async function recreateDatabase(name: string): Promise<string> {
  await adminQuery(`drop database if exists ${name}`);
  await adminQuery(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  if (!process.env.BENCH_KEEP) await adminQuery(`drop database if exists ${name}`);
}

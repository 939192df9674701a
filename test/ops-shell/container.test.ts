// Docker is not available here, so the container files are read as Docker would: the
// Dockerfile's stages, user, port, healthcheck and entrypoint; compose.yaml's services and
// their environment, every variable of which the README documents. The healthcheck's command
// itself runs against a loopback server.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PROCESS_VARIABLES } from '../../src/config/environment.js';
import { configVariables } from '../../src/config/load-config.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function readDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const whole = (pending + line).trim();
    pending = '';
    const space = whole.search(/\s/);
    instructions.push({ keyword: whole.slice(0, space).toUpperCase(), args: whole.slice(space + 1).trim(), line: start });
  });
  return instructions;
}

interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/);
      expect(as?.toUpperCase(), `FROM on line ${instruction.line} names its stage`).toBe('AS');
      stages.push({ name: name!, base: base!, instructions: [] });
    } else {
      expect(stages.length, `${instruction.keyword} on line ${instruction.line} follows a FROM`).toBeGreaterThan(0);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

const execForm = (args: string): string[] => JSON.parse(args.replace(/^--\S+\s+/g, '')) as string[];
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

const dockerfile = readDockerfile(readFileSync('Dockerfile', 'utf8'));
const stages = stagesOf(dockerfile);
const [build, runtime] = stages;
const documented = new Set([...configVariables().map((v) => v.name), ...PROCESS_VARIABLES.map((v) => v.name)]);
const readme = readFileSync('README.md', 'utf8');

describe('Dockerfile', () => {
  it('builds in one stage and runs from a second with production dependencies only', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(build!.base).toBe(runtime!.base);
    expect(build!.base).toMatch(/^node:20\.\d+/);
    const nvmrc = readFileSync('.nvmrc', 'utf8').trim();
    expect(build!.base.startsWith(`node:${nvmrc}`)).toBe(true);
    expect(all(build!, 'RUN').some((run) => /^npm ci\b/.test(run) && !run.includes('--omit=dev'))).toBe(true);
    expect(all(build!, 'RUN')).toContain('npx tsc -p tsconfig.json');
    expect(all(runtime!, 'RUN').some((run) => run.startsWith('npm ci --omit=dev'))).toBe(true);
    expect(all(runtime!, 'COPY')).toContain('--from=build /app/dist/src ./dist/src');
    // What the program reads at run time besides dist/: migrations and the site's assets.
    expect(all(runtime!, 'COPY')).toEqual(expect.arrayContaining(['migrations ./migrations', 'assets ./assets']));
    for (const copy of [...all(build!, 'COPY'), ...all(runtime!, 'COPY')].filter((c) => !c.startsWith('--from'))) {
      for (const source of copy.split(/\s+/).slice(0, -1)) expect(existsSync(source), `${source} exists`).toBe(true);
    }
  });

  it('runs as the node user on 0.0.0.0:3000 under tini, with a /healthz healthcheck', () => {
    const users = all(runtime!, 'USER');
    expect(users).toEqual(['node']);
    const userAt = runtime!.instructions.findIndex((i) => i.keyword === 'USER');
    expect(runtime!.instructions.slice(userAt).some((i) => i.keyword === 'RUN'), 'nothing runs as root after USER').toBe(false);
    expect(all(runtime!, 'EXPOSE')).toEqual(['3000']);
    const env = all(runtime!, 'ENV').join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bPORT=3000\b/);
    for (const name of env.match(/\b[A-Z][A-Z0-9_]+(?==)/g) ?? []) {
      if (name !== 'NODE_ENV') expect(documented.has(name), `${name} is documented`).toBe(true);
    }
    expect(execForm(all(runtime!, 'ENTRYPOINT')[0]!)).toEqual(['/usr/bin/tini', '--', 'ambassador']);
    expect(execForm(all(runtime!, 'CMD')[0]!)).toEqual(['serve']);
    expect(all(runtime!, 'RUN').join(' ')).toContain('ln -s /app/dist/src/cli/main.js /usr/local/bin/ambassador');
    const healthcheck = all(runtime!, 'HEALTHCHECK')[0]!;
    expect(healthcheck).toMatch(/^--interval=\d+s /);
    expect(healthcheck).toContain('/healthz');
  });

  it("the healthcheck's command passes on a 200 from /healthz and fails otherwise", async () => {
    const command = JSON.parse(all(runtime!, 'HEALTHCHECK')[0]!.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
    expect(command[0]).toBe('node');
    let healthy = true;
    const server = http.createServer((request, response) => {
      response.statusCode = request.url === '/healthz' && healthy ? 200 : 503;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, command.slice(1), { env: { PORT: String(port) }, stdio: 'ignore' });
        child.on('close', resolve);
      });
    try {
      expect(await run()).toBe(0);
      healthy = false;
      expect(await run()).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening: unhealthy, not a hang.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freed = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, command.slice(1), { env: { PORT: String(freed) }, stdio: 'ignore' });
      child.on('close', resolve);
    });
    expect(refused).toBe(1);
  });

  it('.dockerignore keeps the build context to what the image copies', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'data', '.env']));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'migrations', 'assets']) expect(ignored).not.toContain(needed);
  });
});

describe('compose.yaml', () => {
  interface Service {
    image?: string;
    build?: string;
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test?: string[]; disable?: boolean };
    volumes?: string[];
    ports?: string[];
  }
  const compose = parseYaml(readFileSync('compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const { services } = compose;

  it('has PostgreSQL with a healthcheck and a volume, a web, a worker and a mail catcher', () => {
    expect(Object.keys(services).sort()).toEqual(['mailpit', 'postgres', 'web', 'worker']);
    const postgres = services.postgres!;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test?.join(' ')).toContain('pg_isready');
    const volume = postgres.volumes![0]!.split(':')[0]!;
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
    expect(services.web!.command).toEqual(['serve', '--no-worker']);
    expect(services.worker!.command).toEqual(['worker']);
    expect(services.worker!.healthcheck?.disable).toBe(true);
    for (const name of ['web', 'worker']) {
      expect(services[name]!.build).toBe('.');
      expect(services[name]!.depends_on?.postgres?.condition).toBe('service_healthy');
    }
    expect(services.web!.ports).toEqual(['3000:3000']);
  });

  it("the services' environment reaches the database and the mail catcher, and the README documents every variable", () => {
    for (const name of ['web', 'worker']) {
      const env = services[name]!.environment!;
      expect(new URL(env.DATABASE_URL!).host).toBe('postgres:5432');
      const database = services.postgres!.environment as unknown as Record<string, string>;
      expect(new URL(env.DATABASE_URL!).username).toBe(database.POSTGRES_USER);
      expect(new URL(env.DATABASE_URL!).pathname).toBe(`/${database.POSTGRES_DB}`);
      expect(env.AMBASSADOR_NOTIFICATIONS_EMAIL_SMTP_URL).toBe('smtp://mailpit:1025');
      for (const variable of Object.keys(env)) {
        expect(documented.has(variable), `${name}: ${variable} is a setting or a process variable`).toBe(true);
        expect(readme, `${variable} in the README`).toContain(`\`${variable}\``);
      }
    }
    expect(services.web!.environment).toEqual(services.worker!.environment);
  });
});

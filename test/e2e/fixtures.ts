import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from '@playwright/test';
import { startSimulator, type Directory, type SimulatorFaults } from '../../electron/core/simulator/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin', 'stackmeter.js');

export const SIM_SECRET = 'e2e-simulator-secret';
export const SIM_CLIENT_ID = 'stackmeter-demo';

export interface Stack {
  dir: string;
  /** The cache the console serves. */
  dbFile: string;
  caFile: string;
  simulatorUrl: string;
  consoleUrl: string;
  stop(): Promise<void>;
}

/** Runs `stackmeter <args> --json` and resolves with the first JSON line it prints (its address), keeping it running. */
function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolvePromise({ child, info: JSON.parse(line) as Record<string, string> }));
    child.once('exit', (code) => reject(new Error(`stackmeter ${args[0]} exited with ${code}: ${stderr}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGINT');
  });
}

/** A simulated stamp and a browser-mode console on a fresh cache, both as real child processes of the CLI. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'stackmeter-e2e-'));
  const caFile = join(dir, 'simulator-ca.pem');
  const env = { ...process.env, STACKMETER_SIM_SECRET: SIM_SECRET };
  const sim = await startCli(['simulate', '--ca-out', caFile, '--client-id', SIM_CLIENT_ID], env);
  const dbFile = join(dir, 'cache.sqlite');
  const server = await startCli(['serve', '--db', dbFile], env);
  return {
    dir,
    dbFile,
    caFile,
    simulatorUrl: sim.info.url!,
    consoleUrl: server.info.url!,
    async stop() {
      await Promise.all([stopChild(server.child), stopChild(sim.child)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface InProcessStamp {
  url: string;
  caFile: string;
  /** The operator's Entra ID directory (its domain is what the add-stamp form asks for). */
  directory: Directory;
  /** Failures to inject while it runs. */
  faults: SimulatorFaults;
  stop(): Promise<void>;
}

/**
 * A second simulated stamp, run inside the test process so that a test can choose how it signs in (Entra ID) and
 * inject failures while the console syncs it. It accepts the same client ID and secret as the stack's simulator.
 */
export async function startInProcessStamp(dir: string, options: { identity: 'adfs' | 'entra'; seed: number })
  : Promise<InProcessStamp> {
  const sim = await startSimulator({
    identity: options.identity, seed: options.seed, tenants: 2, clientId: SIM_CLIENT_ID, clientSecret: SIM_SECRET,
  });
  const caFile = join(dir, `stamp-${options.seed}-ca.pem`);
  writeFileSync(caFile, sim.caPem);
  return { url: sim.url, caFile, directory: sim.identity.directory, faults: sim.faults, stop: () => sim.close() };
}

/**
 * Adds the stack's simulator as a stamp and syncs it with the CLI, into the cache the console serves (another process
 * writing the same SQLite file, as a scheduled sync on the same machine would).
 */
export function syncWithCli(stack: Stack, name: string): void {
  const env = { ...process.env, STACKMETER_SIM_SECRET: SIM_SECRET };
  const run = (args: string[]) => execFileSync(process.execPath, [CLI, ...args, '--db', stack.dbFile],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  run(['connect', 'add', name, '--arm', stack.simulatorUrl, '--client-id', SIM_CLIENT_ID,
    '--client-secret-env', 'STACKMETER_SIM_SECRET', '--ca', stack.caFile]);
  run(['sync', name]);
}

/**
 * For a spec file: before its tests, a stack with the simulator added as stamp `name` and synced by the CLI; after
 * them, the stack stopped. Returns the running stack (call it inside a test).
 */
export function useSyncedStack(name: string): () => Stack {
  let stack: Stack | undefined;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    stack = await startStack();
    syncWithCli(stack, name);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });
  return () => stack!;
}

export const screenshotPath = (name: string): string => join(ROOT, 'test', 'e2e', 'screenshots', `${name}.png`);

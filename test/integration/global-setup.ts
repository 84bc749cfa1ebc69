/**
 * Jest globalSetup for the integration project: starts a private moto_server on a free loopback port and
 * publishes its endpoint as MOTO_ENDPOINT (globalSetup env vars reach the test workers). Fake credentials
 * and a fixed region are set first, and AWS_PROFILE is removed, so no test can ever reach real AWS.
 * Which moto_server runs (PATH, .venv-tools/, or installed there now) is scripts/lib/tools.ts's rule.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ensureTools, ToolsUnavailableError } from '../../scripts/lib/tools';
import { useFakeAwsEnvironment } from '../helpers/fake-aws-env';

/** moto_server takes a few seconds to import its backends; a cold CI runner can be slow. */
const STARTUP_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
const MAX_STDERR_CHARS = 4_000;
/** Start-up is retried on a fresh port when moto exits early (the port was taken meanwhile). */
const START_ATTEMPTS = 3;

declare global {
  var __MOTO_SERVER__: ChildProcess | undefined;
}

/** The moto_server to run; without one, the one-line instruction and exit, before any test file is loaded. */
async function motoServerPath(): Promise<string> {
  try {
    const { moto_server } = await ensureTools({ only: ['moto_server'] });
    if (!moto_server) throw new Error('ensureTools returned no moto_server');
    return moto_server.path;
  } catch (error) {
    if (!(error instanceof ToolsUnavailableError)) throw error;
    // Thrown, Jest would wrap the line in a stack trace; the line alone says what to run.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** An ephemeral port the kernel reports free on 127.0.0.1 (released again before moto binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the ephemeral port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering at ${endpoint}.\n` +
          `moto stderr:\n${stderr()}`,
      );
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      lastError = error instanceof Error ? `${error.message}${code ? ` (${code})` : ''}` : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  child.kill('SIGKILL');
  throw new Error(
    `moto_server did not answer GET ${endpoint}/moto-api/ within ${STARTUP_TIMEOUT_MS / 1000} s (${lastError}).\n` +
      `moto stderr:\n${stderr()}`,
  );
}

/** Starts moto_server on a free port; resolves once it answers, rejects with its stderr if it does not. */
async function startMotoServer(motoServer: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  // MOTO_ACCOUNT_ID would override the x-moto-account-id header that tests use to pick an account.
  delete env.MOTO_ACCOUNT_ID;
  const child = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Keep only the tail: moto logs every request to stderr.
    stderr = (stderr + chunk).slice(-MAX_STDERR_CHARS);
  });
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`could not start moto_server: ${error.message}`))),
  );
  await Promise.race([waitUntilReady(endpoint, child, () => stderr), spawnFailed]);
  return { child, endpoint };
}

export default async function globalSetup(): Promise<void> {
  useFakeAwsEnvironment('us-east-1');
  process.env.AWS_DEFAULT_REGION = 'us-east-1';

  const motoServer = await motoServerPath();
  let started: { child: ChildProcess; endpoint: string } | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await startMotoServer(motoServer);
    } catch (error) {
      // Another process may take the ephemeral port between freePort() and moto's bind: try a new port.
      if (attempt >= START_ATTEMPTS || !/exited/.test(String(error))) throw error;
    }
  }
  const { child, endpoint } = started;

  // Nothing reads moto's log after start-up; drain the pipe so moto never blocks on a full buffer.
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  // If Jest exits without running globalTeardown (e.g. another project's setup failed), still stop moto.
  process.once('exit', () => child.kill('SIGKILL'));

  globalThis.__MOTO_SERVER__ = child;
  process.env.MOTO_ENDPOINT = endpoint;
}

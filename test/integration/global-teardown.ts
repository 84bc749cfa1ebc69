/** Jest globalTeardown for the integration project: stops the moto_server that global-setup started. */
const STOP_TIMEOUT_MS = 5_000;

export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__MOTO_SERVER__;
  globalThis.__MOTO_SERVER__ = undefined;
  delete process.env.MOTO_ENDPOINT;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Running the `rootguard` command in a test: argv as process.argv has it, and stdout/stderr captured. */
import type { CliIo } from '../../cli/index';

export const argv = (...args: string[]) => ['node', 'rootguard', ...args];

/** A CliIo that keeps what the command prints (no colour); `extra` adds test I/O such as a client factory. */
export function captureIo(extra: Partial<CliIo> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    color: false,
    ...extra,
    out: () => out,
    err: () => err,
  };
}

/** A problem with what the user asked the CLI to do (a missing or invalid file, an unknown rule): exit 1. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

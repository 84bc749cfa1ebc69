/**
 * What the alert and findings handlers log when they refuse an event a member account may have forged: an error
 * naming the refusal with exactly the accounts and names that tell an operator who sent it, and nothing of the
 * event's content (the sender controls it and could use it to mislead whoever reads the log).
 */
import { logger } from '../../lib/logger';

export interface RefusalLog {
  /** Expects a refusal logged with exactly `fields`, and `sentContent` nowhere in any logged error. */
  expectLogged(fields: Record<string, unknown>, sentContent: string): void;
}

/** Watches the shared logger's errors from now on; call it before acting. */
export function watchRefusalLog(): RefusalLog {
  const errors = jest.spyOn(logger, 'error');
  return {
    expectLogged(fields, sentContent) {
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('refused'), fields);
      expect(JSON.stringify(errors.mock.calls)).not.toContain(sentContent);
    },
  };
}

/**
 * What every Lambda's config test checks about its environment, written once: a missing variable fails the
 * handler's creation (the cold start), not each event or step, and the module imports without any
 * environment because its default handler is built lazily.
 */
export interface ColdStartCase {
  /** The factory's name, as the test names it. */
  factoryName: string;
  create: () => unknown;
  /** The variable taken away, restored afterwards. */
  variable: string;
  error: new (...args: never[]) => Error;
  /** What the Lambda handles one at a time. */
  per: 'event' | 'step';
  /** The module's exported default handler. */
  handler: unknown;
}

export function coldStartCases({ factoryName, create, variable, error, per, handler }: ColdStartCase): void {
  it(`makes ${factoryName} fail at creation (cold start), not per ${per}`, () => {
    const saved = process.env[variable];
    delete process.env[variable];
    try {
      expect(create).toThrow(error);
    } finally {
      if (saved !== undefined) process.env[variable] = saved;
    }
  });

  it('lets the module be imported without any environment (the default handler is built lazily)', () => {
    expect(typeof handler).toBe('function');
  });
}

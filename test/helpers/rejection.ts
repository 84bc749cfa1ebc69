/** An error as the SDK throws it for an AWS error code: `mock.on(Command).rejects(sdkError('AccessDeniedException', 'no'))`. */
export const sdkError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

/** Expects `run` to reject with an error of class `type` whose message matches `message`. */
export async function expectRejection(
  run: Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  await expect(run).rejects.toThrow(type);
  await expect(run).rejects.toThrow(message);
}

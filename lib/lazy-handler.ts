/**
 * A Lambda entry point built on its first invocation (the cold start) rather than at import, so importing the
 * module (tests, the benchmark, the packager) never needs the environment. A creator that throws (a bad
 * environment) is tried again on the next invocation, so every invocation fails with the same error until the
 * environment is fixed.
 */
export function lazyHandler<A extends unknown[], R>(create: () => (...args: A) => R): (...args: A) => R {
  let built: ((...args: A) => R) | undefined;
  return (...args) => {
    built ??= create();
    return built(...args);
  };
}

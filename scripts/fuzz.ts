/**
 * `npm run fuzz`: the property, parser, fault and storm suites of test/unit/properties with a random seed (or
 * the one given, to replay a failure) and more runs than `npm test` gives them.
 *
 *   npm run fuzz                          random seed, 1,000 runs per property, a 10,000-event storm
 *   npm run fuzz -- --runs 5000           more runs per property
 *   npm run fuzz -- --seed 1234567        replay: the seed fast-check printed with a failure
 *   npm run fuzz -- --seed 1234567 --runs 200 -- test/unit/properties/rules   only some specs (jest paths)
 *
 * The seed is printed first, so a failure in a long run can always be replayed.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const DEFAULT_RUNS = 1000;
const STORM_EVENTS = 10_000;

function main(argv: string[]): number {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  const paths = separator === -1 ? [] : argv.slice(separator + 1);
  let seed = randomInt(0, 2 ** 31 - 1);
  let runs = DEFAULT_RUNS;
  for (let i = 0; i < own.length; i++) {
    const flag = own[i];
    const value = Number(own[i + 1]);
    if (
      (flag === '--seed' || flag === '--runs') &&
      Number.isSafeInteger(value) &&
      value >= (flag === '--runs' ? 1 : 0)
    ) {
      if (flag === '--seed') seed = value;
      else runs = value;
      i++;
    } else {
      throw new Error(
        `usage: npm run fuzz -- [--seed S] [--runs N] [-- <jest path>...] (bad argument: ${flag})`,
      );
    }
  }
  console.log(
    `fuzz: seed ${seed}, ${runs} runs per property (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`,
  );
  const jest = spawnSync(
    'npx',
    [
      'jest',
      '--selectProjects',
      'unit',
      '--testPathPatterns',
      ...(paths.length > 0 ? paths : ['test/unit/properties']),
    ],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        FUZZ_SEED: String(seed),
        FUZZ_RUNS: String(runs),
        FUZZ_STORM_EVENTS: process.env.FUZZ_STORM_EVENTS ?? String(STORM_EVENTS),
        FUZZ_REPORT: '1',
      },
    },
  );
  if (jest.status !== 0)
    console.log(`fuzz: FAILED with seed ${seed}; replay: npm run fuzz -- --seed ${seed} --runs ${runs}`);
  return jest.status ?? 1;
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

/**
 * The environment every test process runs the SDK in: fake credentials that can never reach a real account, a
 * fixed Region, no retries (a failure shows at once), and no profile or session token from the developer's shell.
 */
export function useFakeAwsEnvironment(region: string): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_REGION = region;
  process.env.AWS_MAX_ATTEMPTS = '1';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

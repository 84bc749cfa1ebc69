import {
  AccessDeniedError,
  awsCall,
  CollectError,
  errorMessage,
  errorName,
  InvalidConfigEventError,
  RootGuardError,
  ThrottlingError,
  toCollectError,
} from '../../../lib/errors';
import { MEMBER_ACCOUNT } from '../../helpers/constants';

/** An error shaped like an AWS SDK v3 service exception. */
function sdkError(name: string, message = 'something went wrong'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const ACTION = 'iam:GetAccountSummary';

describe('toCollectError', () => {
  it.each(['AccessDenied', 'AccessDeniedException'])('maps %s to an AccessDeniedError', (name) => {
    const cause = sdkError(name, 'User is not authorized to perform iam:GetAccountSummary');

    const error = toCollectError(cause, ACTION, MEMBER_ACCOUNT);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toBeInstanceOf(CollectError);
    expect(error.name).toBe('AccessDeniedError');
    expect(error.message).toBe(
      `Access denied calling ${ACTION} in account ${MEMBER_ACCOUNT} (${name}: User is not authorized to perform iam:GetAccountSummary)`,
    );
  });

  it.each(['Throttling', 'ThrottlingException'])('maps %s to a ThrottlingError', (name) => {
    const error = toCollectError(sdkError(name, 'Rate exceeded'), ACTION, MEMBER_ACCOUNT);

    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).not.toBeInstanceOf(AccessDeniedError);
    expect(error.message).toBe(
      `Throttled calling ${ACTION} in account ${MEMBER_ACCOUNT} after retries (${name}: Rate exceeded)`,
    );
  });

  it.each(['ServiceFailure', 'NoSuchEntityException', 'TimeoutError'])(
    'maps %s to a plain CollectError',
    (name) => {
      const error = toCollectError(sdkError(name, 'boom'), ACTION, MEMBER_ACCOUNT);

      expect(error).toBeInstanceOf(CollectError);
      expect(error).not.toBeInstanceOf(AccessDeniedError);
      expect(error).not.toBeInstanceOf(ThrottlingError);
      expect(error.name).toBe('CollectError');
      expect(error.message).toBe(`Failed calling ${ACTION} in account ${MEMBER_ACCOUNT} (${name}: boom)`);
    },
  );

  it('names the action and the account on the error', () => {
    const error = toCollectError(sdkError('AccessDenied'), ACTION, MEMBER_ACCOUNT);

    expect(error.action).toBe(ACTION);
    expect(error.accountId).toBe(MEMBER_ACCOUNT);
    expect(error.message).toContain(ACTION);
    expect(error.message).toContain(MEMBER_ACCOUNT);
  });

  it('keeps the original error as cause', () => {
    const cause = sdkError('ThrottlingException');

    expect(toCollectError(cause, ACTION, MEMBER_ACCOUNT).cause).toBe(cause);
  });

  it('omits the account phrase when the account is unknown', () => {
    const error = toCollectError(sdkError('ServiceFailure', 'boom'), ACTION);

    expect(error.message).toBe(`Failed calling ${ACTION} (ServiceFailure: boom)`);
    expect(error.accountId).toBeUndefined();
  });

  it('reads the error code from Code when there is no name', () => {
    const error = toCollectError({ Code: 'AccessDenied', message: 'nope' }, ACTION, MEMBER_ACCOUNT);

    expect(error).toBeInstanceOf(AccessDeniedError);
  });

  it('returns an error that is already a CollectError unchanged', () => {
    const original = new AccessDeniedError('already typed', {
      action: 'sts:AssumeRole',
      accountId: MEMBER_ACCOUNT,
    });

    expect(toCollectError(original, ACTION, MEMBER_ACCOUNT)).toBe(original);
  });

  it('wraps a non-Error value as an UnknownError', () => {
    const error = toCollectError('socket hang up', ACTION, MEMBER_ACCOUNT);

    expect(error.message).toBe(
      `Failed calling ${ACTION} in account ${MEMBER_ACCOUNT} (UnknownError: socket hang up)`,
    );
    expect(error.cause).toBe('socket hang up');
  });
});

describe('awsCall', () => {
  it('returns the result of a successful call', async () => {
    await expect(awsCall(ACTION, MEMBER_ACCOUNT, async () => 42)).resolves.toBe(42);
  });

  it('wraps an AccessDenied failure in an AccessDeniedError naming the action and account', async () => {
    const cause = sdkError('AccessDenied');

    const promise = awsCall(ACTION, MEMBER_ACCOUNT, () => Promise.reject(cause));

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toMatchObject({ action: ACTION, accountId: MEMBER_ACCOUNT, cause });
  });

  it('wraps a synchronous throw too', async () => {
    await expect(
      awsCall(ACTION, MEMBER_ACCOUNT, () => {
        throw sdkError('ThrottlingException');
      }),
    ).rejects.toBeInstanceOf(ThrottlingError);
  });
});

describe('RootGuardError', () => {
  it('names the error after its class and keeps the account', () => {
    const error = new InvalidConfigEventError('bad event', { accountId: MEMBER_ACCOUNT });

    expect(error).toBeInstanceOf(RootGuardError);
    expect(error.name).toBe('InvalidConfigEventError');
    expect(error.accountId).toBe(MEMBER_ACCOUNT);
    expect(error).not.toHaveProperty('cause');
  });
});

describe('errorName and errorMessage', () => {
  it('prefers name, then Code, then code', () => {
    expect(errorName(sdkError('AccessDenied'))).toBe('AccessDenied');
    expect(errorName({ Code: 'Throttling' })).toBe('Throttling');
    expect(errorName({ code: 'ECONNRESET' })).toBe('ECONNRESET');
    expect(errorName(undefined)).toBe('UnknownError');
  });

  it('reads the message of an Error and stringifies anything else', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(404)).toBe('404');
  });
});

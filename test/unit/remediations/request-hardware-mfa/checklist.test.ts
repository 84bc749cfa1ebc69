import {
  DEDUP_KEY,
  DESCRIPTION_MAX,
  decide,
  dedupFilterValue,
  openOpsItemFor,
  operationalData,
  opsItemDescription,
  opsItemTitle,
  priorityFor,
  TITLE_MAX,
} from '../../../../remediations/request-hardware-mfa/checklist';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../../helpers/constants';
import { EXECUTION_ID, OPEN_OPS_ITEM_ID, opsItem } from './fixtures';

describe('the hardware MFA checklist', () => {
  const description = opsItemDescription(MEMBER_ACCOUNT);

  it.each([
    ['two FIDO security keys', /two FIDO security keys/],
    ['registering the primary key on root', /register the primary key/],
    ['registering the backup key too', /Register the backup key on the same root user/],
    ['storing the keys apart', /Store the two keys apart, in separate secure locations/],
    ['dual-person retrieval', /Dual-person retrieval/],
    ['documenting the procedure', /Document the procedure/],
    ['removing virtual MFA', /Remove any virtual MFA device/],
  ])('asks for %s', (_what, text) => {
    expect(description).toMatch(text);
  });

  it('names the account and fits the CreateOpsItem limits', () => {
    expect(description).toContain(`AWS account ${MEMBER_ACCOUNT}`);
    expect(description.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(opsItemTitle(MEMBER_ACCOUNT)).toBe(
      `Protect the root user of ${MEMBER_ACCOUNT} with two hardware MFA devices`,
    );
    expect(opsItemTitle(MEMBER_ACCOUNT).length).toBeLessThanOrEqual(TITLE_MAX);
  });

  it('gives the same priority as the severity', () => {
    expect(['1', '2', '3', '4'].map((s) => priorityFor(s as '1'))).toEqual([1, 2, 3, 4]);
  });
});

describe('operationalData', () => {
  it('makes the account, the rule and the dedup key searchable and sets OpsCenter’s own dedup string', () => {
    expect(operationalData(MEMBER_ACCOUNT, EXECUTION_ID)).toEqual({
      [DEDUP_KEY]: { Value: `root-hardware-mfa/${MEMBER_ACCOUNT}`, Type: 'SearchableString' },
      'rootguard:accountId': { Value: MEMBER_ACCOUNT, Type: 'SearchableString' },
      'rootguard:rule': { Value: 'root-hardware-mfa', Type: 'SearchableString' },
      'rootguard:automationExecutionId': { Value: EXECUTION_ID, Type: 'String' },
      '/aws/dedup': {
        Value: `{"dedupString":"rootguard-root-hardware-mfa/${MEMBER_ACCOUNT}"}`,
        Type: 'SearchableString',
      },
    });
  });

  it('filters DescribeOpsItems with the documented {"key","value"} form', () => {
    expect(JSON.parse(dedupFilterValue(MEMBER_ACCOUNT))).toEqual({
      key: DEDUP_KEY,
      value: `root-hardware-mfa/${MEMBER_ACCOUNT}`,
    });
  });
});

describe('openOpsItemFor and decide', () => {
  it.each(['Open', 'InProgress'] as const)('finds an OpsItem that is %s', (status) => {
    expect(openOpsItemFor([opsItem(status)], MEMBER_ACCOUNT)?.OpsItemId).toBe(OPEN_OPS_ITEM_ID);
  });

  it('ignores resolved OpsItems and those of other accounts', () => {
    expect(
      openOpsItemFor([opsItem('Resolved'), opsItem('Open', OTHER_ACCOUNT)], MEMBER_ACCOUNT),
    ).toBeUndefined();
  });

  it('creates only when none is open and it is not a dry run', () => {
    expect(decide(opsItem('Open'), false)).toEqual({ kind: 'already-open', opsItemId: OPEN_OPS_ITEM_ID });
    expect(decide(opsItem('Open'), true)).toEqual({ kind: 'already-open', opsItemId: OPEN_OPS_ITEM_ID });
    expect(decide(undefined, true)).toEqual({ kind: 'dry-run' });
    expect(decide(undefined, false)).toEqual({ kind: 'create' });
  });
});

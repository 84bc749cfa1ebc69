/** The OpsItem flow every request-type document shares (remediations/lib/ops-item.ts): dedup key and decision. */
import {
  DEDUP_KEY,
  decide,
  dedupFilterValue,
  openOpsItemFor,
  operationalData,
  priorityFor,
} from '../../../../remediations/lib/ops-item';
import { HARDWARE_MFA_TASK } from '../../../../remediations/request-hardware-mfa/checklist';
import { ROOT_ACTIVITY_FORWARDING_TASK } from '../../../../remediations/request-root-activity-forwarding/checklist';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../../helpers/constants';
import { EXECUTION_ID, OPEN_OPS_ITEM_ID, OPS_ITEM_CREATOR, opsItem } from '../request-hardware-mfa/fixtures';

describe('operationalData', () => {
  it('makes the account, the rule and the dedup key searchable and sets OpsCenter’s own dedup string', () => {
    expect(operationalData(HARDWARE_MFA_TASK, MEMBER_ACCOUNT, EXECUTION_ID)).toEqual({
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

  it('keys each task on its own rule, so one account can have an OpsItem of each', () => {
    const forwarding = operationalData(ROOT_ACTIVITY_FORWARDING_TASK, MEMBER_ACCOUNT, EXECUTION_ID);
    expect(forwarding[DEDUP_KEY]?.Value).toBe(`root-activity-alerting/${MEMBER_ACCOUNT}`);
    expect(forwarding['/aws/dedup']?.Value).toBe(
      `{"dedupString":"rootguard-root-activity-alerting/${MEMBER_ACCOUNT}"}`,
    );
  });

  it('filters DescribeOpsItems with the documented {"key","value"} form', () => {
    expect(JSON.parse(dedupFilterValue(HARDWARE_MFA_TASK, MEMBER_ACCOUNT))).toEqual({
      key: DEDUP_KEY,
      value: `root-hardware-mfa/${MEMBER_ACCOUNT}`,
    });
  });

  it('gives the same priority as the severity', () => {
    expect(['1', '2', '3', '4'].map((s) => priorityFor(s as '1'))).toEqual([1, 2, 3, 4]);
  });
});

describe('openOpsItemFor and decide', () => {
  it.each(['Open', 'InProgress'] as const)('finds an OpsItem that is %s', (status) => {
    expect(
      openOpsItemFor([opsItem(status)], HARDWARE_MFA_TASK, MEMBER_ACCOUNT, OPS_ITEM_CREATOR)?.OpsItemId,
    ).toBe(OPEN_OPS_ITEM_ID);
  });

  it('ignores resolved OpsItems, those of other accounts and those of another task', () => {
    const items = [
      opsItem('Resolved'),
      opsItem('Open', OTHER_ACCOUNT),
      opsItem('Open', MEMBER_ACCOUNT, 'oi-000000000003', ROOT_ACTIVITY_FORWARDING_TASK),
    ];
    expect(openOpsItemFor(items, HARDWARE_MFA_TASK, MEMBER_ACCOUNT, OPS_ITEM_CREATOR)).toBeUndefined();
  });

  it('creates only when none is open and it is not a dry run', () => {
    expect(decide(opsItem('Open'), false)).toEqual({ kind: 'already-open', opsItemId: OPEN_OPS_ITEM_ID });
    expect(decide(opsItem('Open'), true)).toEqual({ kind: 'already-open', opsItemId: OPEN_OPS_ITEM_ID });
    expect(decide(undefined, true)).toEqual({ kind: 'dry-run' });
    expect(decide(undefined, false)).toEqual({ kind: 'create' });
  });
});

import {
  BACKUP_HARDWARE_MFA_TASK,
  opsItemDescription,
  opsItemTitle,
  RULE_ID,
} from '../../../../remediations/request-backup-hardware-mfa/checklist';
import { RULE_IDS } from '../../../../rules';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';

describe('the backup hardware MFA OpsItem', () => {
  it('names the account and asks for a second device, its register entry and another site', () => {
    const description = opsItemDescription(MEMBER_ACCOUNT);

    expect(opsItemTitle(MEMBER_ACCOUNT)).toContain(MEMBER_ACCOUNT);
    expect(description).toContain(`root user of AWS account ${MEMBER_ACCOUNT}`);
    for (const step of [
      'Procure a second',
      'custody register',
      'rootguard custody publish',
      'different site',
    ]) {
      expect(description).toContain(step);
    }
  });

  it('fits in an OpsItem description (2,048 characters)', () => {
    expect(opsItemDescription('123456789012').length).toBeLessThanOrEqual(2048);
  });

  it('is deduplicated under the rule that asks for it', () => {
    expect(RULE_IDS).toContain(RULE_ID);
    expect(BACKUP_HARDWARE_MFA_TASK).toMatchObject({ id: 'backup-hardware-mfa', ruleId: 'root-backup-mfa' });
  });
});

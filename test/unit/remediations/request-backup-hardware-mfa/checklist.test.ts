import {
  BACKUP_HARDWARE_MFA_TASK,
  RULE_ID,
} from '../../../../remediations/request-backup-hardware-mfa/checklist';
import { RULE_IDS } from '../../../../rules';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { checklistCases } from '../document-cases';

describe('the backup hardware MFA checklist', () => {
  checklistCases(BACKUP_HARDWARE_MFA_TASK, {
    asks: [
      ['procuring a second device', /Procure a second FIDO security key .*or hardware TOTP token/],
      ['registering it beside the primary', new RegExp(`Sign in as the root user of ${MEMBER_ACCOUNT}`)],
      ['recording it in the custody register', /custody register .*rootguard custody publish/],
      ['keeping it at another site', /different site than the primary/],
    ],
    title: `Give the root user of ${MEMBER_ACCOUNT} a registered backup hardware MFA device kept at another site`,
  });

  it('is the task RootGuard-RequestBackupHardwareMfa sends, deduplicated under the rule that asks for it', () => {
    expect(RULE_IDS).toContain(RULE_ID);
    expect(BACKUP_HARDWARE_MFA_TASK).toMatchObject({ id: 'backup-hardware-mfa', ruleId: 'root-backup-mfa' });
  });
});

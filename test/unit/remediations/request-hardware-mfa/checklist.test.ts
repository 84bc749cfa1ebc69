import {
  HARDWARE_MFA_TASK,
  opsItemDescription,
  opsItemTitle,
} from '../../../../remediations/request-hardware-mfa/checklist';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { checklistCases } from '../document-cases';

describe('the hardware MFA checklist', () => {
  checklistCases(HARDWARE_MFA_TASK, {
    asks: [
      ['two FIDO security keys', /two FIDO security keys/],
      ['registering the primary key on root', /register the primary key/],
      ['registering the backup key too', /Register the backup key on the same root user/],
      ['storing the keys apart', /Store the two keys apart, in separate secure locations/],
      ['dual-person retrieval', /Dual-person retrieval/],
      ['documenting the procedure', /Document the procedure/],
      ['removing virtual MFA', /Remove any virtual MFA device/],
    ],
    title: `Protect the root user of ${MEMBER_ACCOUNT} with two hardware MFA devices`,
  });
});

describe('HARDWARE_MFA_TASK', () => {
  it('is the task RootGuard-RequestHardwareMfa sends, deduplicated per account under root-hardware-mfa', () => {
    expect(HARDWARE_MFA_TASK).toMatchObject({ id: 'hardware-mfa', ruleId: 'root-hardware-mfa' });
    expect(HARDWARE_MFA_TASK.title(MEMBER_ACCOUNT)).toBe(opsItemTitle(MEMBER_ACCOUNT));
    expect(HARDWARE_MFA_TASK.description(MEMBER_ACCOUNT)).toBe(opsItemDescription(MEMBER_ACCOUNT));
  });
});

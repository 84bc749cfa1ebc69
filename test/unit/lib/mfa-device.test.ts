import { classifyMfaSerial, isHardwareKind } from '../../../lib/mfa-device';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { fidoSerial, totpSerial, virtualSerial } from '../../helpers/mfa-devices';

describe('classifyMfaSerial', () => {
  it.each([
    ['a FIDO security key', fidoSerial(MEMBER_ACCOUNT), 'fido'],
    ['a FIDO key in aws-us-gov', fidoSerial(MEMBER_ACCOUNT, 'k', 'aws-us-gov'), 'fido'],
    ['a FIDO key in aws-cn', fidoSerial(MEMBER_ACCOUNT, 'k', 'aws-cn'), 'fido'],
    ['a virtual device', virtualSerial(MEMBER_ACCOUNT), 'virtual'],
    ['a virtual device with an empty account field', 'arn:aws:iam:::mfa/root-account-mfa-device', 'virtual'],
    ['a hardware TOTP token', totpSerial(1), 'hardware-totp'],
    ['a lower-case hardware serial', 'gaht12345678', 'hardware-totp'],
  ])('reads %s from its serial', (_name, serial, kind) => {
    expect(classifyMfaSerial(serial)).toBe(kind);
  });

  it.each([
    ['an ARN of another IAM resource', `arn:aws:iam::${MEMBER_ACCOUNT}:user/u2f/root`],
    ['an ARN of another service', `arn:aws:s3:::u2f/root/key`],
    ['an ARN of an unknown partition', `arn:aws-xx:iam::${MEMBER_ACCOUNT}:u2f/root/key`],
    ['a serial with punctuation', 'GAHT-1234/5678'],
    ['a serial too short to be printed on a token', 'GA12'],
    ['an empty serial', ''],
  ])('fails closed on %s', (_name, serial) => {
    expect(classifyMfaSerial(serial)).toBe('unknown');
  });

  it('counts only FIDO keys and hardware TOTP tokens as hardware', () => {
    expect(['fido', 'hardware-totp', 'virtual', 'unknown'].map((k) => isHardwareKind(k as never))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

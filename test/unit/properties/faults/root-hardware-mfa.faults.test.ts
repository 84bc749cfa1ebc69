import { collect } from '../../../../rules/root-hardware-mfa/collect';
import { evaluate } from '../../../../rules/root-hardware-mfa/evaluate';
import metadata from '../../../../rules/root-hardware-mfa/rule.json';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';

describe('root-hardware-mfa under faults', () => {
  describeFaultSweep({ rule: { metadata, collect, evaluate }, responder: healthyAccount });
});

import { collect } from '../../../../rules/root-access-keys/collect';
import { evaluate } from '../../../../rules/root-access-keys/evaluate';
import metadata from '../../../../rules/root-access-keys/rule.json';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';

describe('root-access-keys under faults', () => {
  describeFaultSweep({ rule: { metadata, collect, evaluate }, responder: healthyAccount });
});

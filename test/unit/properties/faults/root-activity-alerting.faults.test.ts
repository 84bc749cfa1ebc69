import { collect } from '../../../../rules/root-activity-alerting/collect';
import { evaluate } from '../../../../rules/root-activity-alerting/evaluate';
import metadata from '../../../../rules/root-activity-alerting/rule.json';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';
import { ORG_PARAMS } from '../../../helpers/root-activity-alerting';

describe('root-activity-alerting under faults', () => {
  describeFaultSweep({
    rule: { metadata, collect, evaluate },
    responder: healthyAccount,
    invocation: { ruleParameters: ORG_PARAMS },
  });
});

import { collect } from '../../../../rules/root-user-idle/collect';
import { evaluate } from '../../../../rules/root-user-idle/evaluate';
import metadata from '../../../../rules/root-user-idle/rule.json';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';

// With the break-glass table configured, so the window query is one of the calls faulted.
const previous = process.env.BREAK_GLASS_TABLE;
beforeAll(() => {
  process.env.BREAK_GLASS_TABLE = 'rootguard-break-glass-test';
});
afterAll(() => {
  if (previous === undefined) delete process.env.BREAK_GLASS_TABLE;
  else process.env.BREAK_GLASS_TABLE = previous;
});

describe('root-user-idle under faults', () => {
  describeFaultSweep({ rule: { metadata, collect, evaluate }, responder: healthyAccount });
});

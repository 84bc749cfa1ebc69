import { InvalidHeartbeatError } from '../../../../heartbeat/errors';
import { type Heartbeat, parseHeartbeat } from '../../../../heartbeat/heartbeat';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { heartbeatEvent } from '../../../helpers/heartbeat';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';

// Heartbeats reaching heartbeat/heartbeat.ts parseHeartbeat.
describe('heartbeat event parser', () => {
  describeParserProperties<Heartbeat>({
    input: 'value',
    cases: [
      { name: 'heartbeat us-east-1', sample: heartbeatEvent(MEMBER_ACCOUNT) },
      { name: 'heartbeat cn-north-1', sample: heartbeatEvent(MEMBER_ACCOUNT, 'cn-north-1') },
    ],
    parse: parseHeartbeat,
    isTypedError: (error) => error instanceof InvalidHeartbeatError,
    // A heartbeat speaks only for the envelope's own account and Region.
    invariant: (heartbeat, _mutated, raw) => {
      expect(heartbeat.accountId).toBe(ownAt(raw, ['account']));
      expect(heartbeat.region).toBe(ownAt(raw, ['region']));
    },
  });
});

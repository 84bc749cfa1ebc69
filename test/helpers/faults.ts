/**
 * Fault injection below the SDK's retry strategy (issue 16, part 3). A smithy middleware, added to every client
 * a FaultyAws factory builds, answers each AWS call in place of the network: with what a healthy account returns
 * (the test's `responder`), or with a fault at one chosen call. It sits in the `deserialize` step, inside the
 * retry middleware (`finalizeRequest`), so the SDK's own adaptive retry strategy (lib/clients.ts) sees every
 * fault and retries what it retries; rootguard code has no retry loop of its own to exercise here.
 *
 * Positions are the calls of a clean run, in order (`calls` after a run without a plan): a plan names one
 * position and a fault, and `persistent` faults repeat on every attempt of that call (the SDK gives up),
 * `once` faults only on the first (the SDK's retry must recover).
 *
 * Clients keep the real adaptive strategy, with its delays shrunk so hundreds of faulted runs take seconds:
 * the same AdaptiveRetryStrategy and rate limiter, a 1 ms backoff.
 */
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import type { DeserializeMiddleware, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { ClientFactory, type ClientOptions, DEFAULT_MAX_ATTEMPTS } from '../../lib/clients';

export type FaultKind =
  | 'throttling'
  | 'server-error'
  | 'timeout'
  | 'access-denied'
  | 'truncated-no-marker'
  | 'repeating-marker';
export const ERROR_FAULTS: readonly FaultKind[] = ['throttling', 'server-error', 'timeout', 'access-denied'];
export const PAGE_FAULTS: readonly FaultKind[] = ['truncated-no-marker', 'repeating-marker'];

export interface RecordedCall {
  /** The command without its suffix: `ListVirtualMFADevices`. */
  command: string;
  input: Record<string, unknown>;
  region: string | undefined;
}

/** What a healthy account answers for one call (the command's output shape), or throws a service error. */
export type Responder = (call: RecordedCall) => Record<string, unknown>;

export interface FaultPlan {
  position: number;
  kind: FaultKind;
  /** `persistent` (default): every attempt of the call fails; `once`: only the first. */
  duration?: 'persistent' | 'once';
}

/** How each paginated command names its page token in and out, and its truncation flag. */
const PAGINATION: Record<string, { in: string; out: string; truncated?: string }> = {
  ListVirtualMFADevices: { in: 'Marker', out: 'Marker', truncated: 'IsTruncated' },
  ListMFADevices: { in: 'Marker', out: 'Marker', truncated: 'IsTruncated' },
  ListRegions: { in: 'NextToken', out: 'NextToken' },
  ListRules: { in: 'NextToken', out: 'NextToken' },
  ListTargetsByRule: { in: 'NextToken', out: 'NextToken' },
  DescribeMetricFilters: { in: 'nextToken', out: 'nextToken' },
  Query: { in: 'ExclusiveStartKey', out: 'LastEvaluatedKey' },
};

/** The faults that apply at a call: every error fault, and the page faults its command can show. */
export function faultsFor(call: RecordedCall): FaultKind[] {
  const paging = PAGINATION[call.command];
  if (!paging) return [...ERROR_FAULTS];
  return [...ERROR_FAULTS, ...(paging.truncated ? PAGE_FAULTS : ['repeating-marker' as const])];
}

/** An error as the SDK's deserializers raise it: name, fault side and HTTP status, which its retry reads. */
function serviceError(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
  });
}

function errorFor(kind: FaultKind): Error {
  switch (kind) {
    case 'throttling':
      return serviceError('ThrottlingException', 400, 'Rate exceeded');
    case 'server-error':
      return serviceError('InternalFailure', 500, 'We encountered an internal error. Please try again.');
    case 'timeout':
      // What @smithy/node-http-handler raises when a socket times out: transient, so the SDK retries it.
      return Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
    default:
      return serviceError('AccessDenied', 403, 'User is not authorized to perform this action');
  }
}

/** The page a page fault answers: truncated with no marker, or the same token again (for ever). */
const LOOP_TOKEN = 'fault-loop-token';
/**
 * DynamoDB's key is a map: the document client hands the output up as it finds it here and marshals the next
 * input, so it leaves as a plain object and comes back as an attribute map.
 */
const loopTokenOut = (command: string) => (command === 'Query' ? { accountId: LOOP_TOKEN } : LOOP_TOKEN);
const loopTokenIn = (command: string) =>
  command === 'Query' ? { accountId: { S: LOOP_TOKEN } } : LOOP_TOKEN;
/** Past this many follow-ups of a repeating token the caller is looping: the fake stops it and says so. */
const MAX_LOOP_FOLLOW_UPS = 50;
function pageFault(kind: FaultKind, call: RecordedCall, clean: Record<string, unknown>) {
  const paging = PAGINATION[call.command];
  if (!paging) return clean;
  const loopToken = loopTokenOut(call.command);
  if (kind === 'truncated-no-marker') {
    const { [paging.out]: _dropped, ...rest } = clean;
    return { ...rest, ...(paging.truncated ? { [paging.truncated]: true } : {}) };
  }
  return { ...clean, [paging.out]: loopToken, ...(paging.truncated ? { [paging.truncated]: true } : {}) };
}

interface CallContext extends HandlerExecutionContext {
  faultCallIndex?: number;
  faultAttempt?: number;
}

export class FaultyAws {
  /** Every call in order (one entry per call, not per attempt). */
  readonly calls: RecordedCall[] = [];
  /** Attempts per call position: the SDK's retries show here. */
  readonly attempts: number[] = [];
  /** Faults actually raised. */
  injected = 0;
  /** Set when the caller followed a repeating page token without end (the fake broke the loop). */
  loopedForever = false;
  /** Calls still following a repeating token after the fault: a loop guard for the test itself. */
  private loopFollowUps = 0;
  /** Calls started (numbered in the initialize step, before any retry). */
  private started = 0;

  constructor(
    private readonly responder: Responder,
    private readonly plan?: FaultPlan,
  ) {}

  /** A ClientFactory (lib/clients.ts) whose clients answer through this fake. */
  factory(region: string): ClientFactory {
    const aws = this;
    return new (class extends ClientFactory {
      // biome-ignore lint/suspicious/noExplicitAny: SDK client constructors each take their own config type.
      override client<C>(ctor: new (config: any) => C, opts: ClientOptions = {}): C {
        const client = super.client(ctor, opts);
        aws.instrument(client as unknown as InstrumentableClient);
        return client;
      }

      // biome-ignore lint/suspicious/noExplicitAny: as above.
      override unshared<C>(ctor: new (config: any) => C, config: Record<string, unknown>): C {
        const client = super.unshared(ctor, config);
        aws.instrument(client as unknown as InstrumentableClient);
        return client;
      }
    })({ region });
  }

  private readonly instrumented = new WeakSet<object>();

  instrument(client: InstrumentableClient): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    // The real adaptive strategy (lib/clients.ts asks for retryMode 'adaptive'), with tiny delays.
    const strategy = new AdaptiveRetryStrategy(DEFAULT_MAX_ATTEMPTS, {
      rateLimiter: new DefaultRateLimiter({ minFillRate: 10_000, minCapacity: 10_000 }),
      backoff: { computeNextBackoffDelay: () => 1, setDelayBase: () => undefined },
    } as ConstructorParameters<typeof AdaptiveRetryStrategy>[1]);
    // lib/clients.ts must have asked for adaptive retries: the strategy below only shortens its delays.
    if (client.config.retryMode !== 'adaptive') {
      throw new Error(
        `test: a client was built with retryMode ${String(client.config.retryMode)}, not adaptive`,
      );
    }
    client.config.retryStrategy = async () => strategy;
    const region = client.config.region;
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: CallContext) => async (args: unknown) => {
        context.faultCallIndex ??= this.started++;
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'faultCallIndex' },
    );
    client.middlewareStack.add(this.answer(region), {
      step: 'deserialize',
      priority: 'high',
      name: 'faultInjection',
    });
  }

  private answer(
    region: InstrumentableClient['config']['region'],
  ): DeserializeMiddleware<object, MetadataBearer> {
    return (_next, context: CallContext) => async (args) => {
      const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = (args.input ?? {}) as Record<string, unknown>;
      const index = context.faultCallIndex ?? this.calls.length;
      if (this.attempts[index] === undefined) {
        this.calls[index] = {
          command,
          input,
          region: typeof region === 'function' ? await region() : region,
        };
        this.attempts[index] = 0;
      }
      this.attempts[index] = (this.attempts[index] ?? 0) + 1;
      const call = this.calls[index] as RecordedCall;
      const plan = this.plan;
      const hit =
        plan !== undefined &&
        plan.position === index &&
        (plan.duration !== 'once' || this.attempts[index] === 1);
      const paging = PAGINATION[command];
      // A caller that sends the loop token back gets it again: a marker that repeats for ever.
      const followingLoop =
        paging !== undefined && JSON.stringify(input[paging.in]) === JSON.stringify(loopTokenIn(command));
      if (followingLoop && ++this.loopFollowUps > MAX_LOOP_FOLLOW_UPS) {
        this.loopedForever = true;
        throw new Error('test: a repeated page token was followed without end');
      }
      if (hit && plan && ERROR_FAULTS.includes(plan.kind)) {
        this.injected++;
        throw errorFor(plan.kind);
      }
      const clean = this.responder(call);
      const output =
        (hit && plan) || followingLoop ? pageFault(plan?.kind ?? 'repeating-marker', call, clean) : clean;
      if (hit) this.injected++;
      return {
        response: { statusCode: 200, headers: {} },
        output: { ...output, $metadata: { httpStatusCode: 200 } } as MetadataBearer,
      };
    };
  }
}

/** The parts of an SDK client the fake touches. */
interface InstrumentableClient {
  config: {
    region?: string | (() => Promise<string>);
    retryMode?: unknown;
    retryStrategy?: unknown;
  };
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: smithy's stack is generic over every command's input and output.
    add(middleware: any, options: Record<string, unknown>): void;
  };
}

/** The call sequence of a clean run, as `command` names: what the positions of a fault plan index. */
export const commandsOf = (calls: readonly RecordedCall[]) => calls.map((c) => c.command);

/**
 * Helpers for integration tests against the moto_server that test/integration/global-setup.ts starts.
 *
 * moto keeps one in-memory backend per (account, region). The account of a request is chosen by, in order:
 * the `x-moto-account-id` header, then the access key (keys that moto's STS AssumeRole handed out map to the
 * role's account), then the default account 123456789012. `emulatorClient(..., { accountId })` and
 * `emulatorClientFactory(region, accountId)` add the header; without it, calls land in the default account.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ClientFactory, type ClientOptions } from '../../lib/clients';

/** moto's default account: the one every request without an account header or assumed-role key lands in. */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';
export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const ACCOUNT_HEADER = 'x-moto-account-id';
const ACCOUNT_MARK = Symbol('motoAccountId');

// biome-ignore lint/suspicious/noExplicitAny: SDK client constructors each take their own config type.
type ClientConstructor<C> = new (config: any) => C;

/** The minimum of an SDK v3 client this module touches (every generated client has it). */
interface WithMiddleware {
  middlewareStack: {
    add(
      // biome-ignore lint/suspicious/noExplicitAny: the middleware stack is generic over each client's I/O.
      middleware: (next: any) => (args: any) => Promise<any>,
      options: { step: 'build'; name: string },
    ): void;
  };
}

/** The emulator's base URL, e.g. `http://127.0.0.1:40123`. */
export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'MOTO_ENDPOINT is not set: run integration tests through `npx jest --selectProjects integration`, ' +
        'whose globalSetup starts moto_server.',
    );
  }
  return endpoint;
}

/** Drops every resource in every account and region of the emulator. */
export async function resetEmulator(): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${await res.text()}`);
}

/** Client configuration that points an SDK client at the emulator with fake credentials and no retries. */
export function emulatorClientConfig(region = EMULATOR_REGION): Record<string, unknown> {
  return { region, endpoint: motoEndpoint(), maxAttempts: 1, credentials: { ...EMULATOR_CREDENTIALS } };
}

/** Makes every request of `client` land in `accountId` of the emulator. Idempotent per client. */
export function selectAccount<C>(client: C, accountId: string): C {
  const stack = (client as unknown as WithMiddleware).middlewareStack;
  const marked = client as unknown as { [ACCOUNT_MARK]?: string };
  if (marked[ACCOUNT_MARK] === accountId) return client;
  if (marked[ACCOUNT_MARK] !== undefined) {
    throw new Error(`client already selects moto account ${marked[ACCOUNT_MARK]}, not ${accountId}`);
  }
  stack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers[ACCOUNT_HEADER] = accountId;
      return next(args);
    },
    { step: 'build', name: 'motoAccountId' },
  );
  marked[ACCOUNT_MARK] = accountId;
  return client;
}

/** A real SDK client talking to the emulator; `accountId` picks the moto account (default 123456789012). */
export function emulatorClient<C>(
  ctor: ClientConstructor<C>,
  opts: { region?: string; accountId?: string } = {},
): C {
  const client = new ctor(emulatorClientConfig(opts.region));
  return opts.accountId ? selectAccount(client, opts.accountId) : client;
}

/**
 * A ClientFactory (lib/clients.ts) whose clients reach the emulator. With `accountId`, clients built with the
 * factory's default credentials act in that account; clients built with explicit credentials (from
 * `assumeRole`) are left alone, because moto already maps assumed-role keys to the role's account.
 */
class EmulatorClientFactory extends ClientFactory {
  constructor(
    region: string,
    private readonly accountId?: string,
  ) {
    super({
      region,
      overrides: { endpoint: motoEndpoint(), maxAttempts: 1, credentials: { ...EMULATOR_CREDENTIALS } },
    });
  }

  override client<C>(ctor: ClientConstructor<C>, opts: ClientOptions = {}): C {
    const client = super.client(ctor, opts);
    // Assumed-role keys already map to the role's account in moto; the header would override them.
    return this.accountId && !opts.credentials ? selectAccount(client, this.accountId) : client;
  }
}

/** A client the emulator hands a test: anything with SDK v3's `destroy`, which frees its sockets. */
interface Destroyable {
  destroy(): void;
}

/**
 * Registers, for the calling test file, a reset of the emulator before each test and fresh clients of the given
 * kinds for it (destroyed after it), so no test sees another's resources and no socket outlives its test. Call
 * it at the top of the file, before any beforeEach that creates resources with the clients; read the clients
 * inside tests or hooks (they are replaced before each test).
 */
export function useEmulatedClients<T extends Record<string, ClientConstructor<Destroyable>>>(
  ctors: T,
  opts: { region?: string; accountId?: string } = {},
): { readonly [K in keyof T]: InstanceType<T[K]> } {
  const clients = {} as { [K in keyof T]: InstanceType<T[K]> };
  beforeEach(async () => {
    await resetEmulator();
    for (const [name, ctor] of Object.entries(ctors)) {
      (clients as Record<string, Destroyable>)[name] = emulatorClient(ctor, opts);
    }
  });
  afterEach(() => {
    for (const client of Object.values(clients) as Destroyable[]) client.destroy();
  });
  return clients;
}

/** The ARN of a rootguard function as if deployed to the emulator's default account and region. */
export const emulatedFunctionArn = (name: string): string =>
  `arn:aws:lambda:${EMULATOR_REGION}:${MOTO_DEFAULT_ACCOUNT}:function:${name}`;

export function emulatorClientFactory(region = EMULATOR_REGION, accountId?: string): ClientFactory {
  return new EmulatorClientFactory(region, accountId);
}

/**
 * An on-demand table keyed by string attributes, as serverless.yml deploys rootguard's tables: `hashKey`, and
 * `rangeKey` when the table has one.
 */
export async function createEmulatedTable(
  dynamodb: DynamoDBClient,
  tableName: string,
  hashKey: string,
  rangeKey?: string,
): Promise<void> {
  const keys = rangeKey ? [hashKey, rangeKey] : [hashKey];
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keys.map((AttributeName, i) => ({ AttributeName, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    }),
  );
}

/** The break-glass table with the key schema serverless.yml deploys (BreakGlassWindowsTable) and lib/break-glass-store.ts reads. */
export const createBreakGlassTable = (dynamodb: DynamoDBClient, tableName: string): Promise<void> =>
  createEmulatedTable(dynamodb, tableName, 'accountId', 'sk');

/** A custom event bus whose one rule delivers the events matching `pattern` to `targetArn` (e.g. a queue). */
export async function createEmulatedBusRule(
  events: EventBridgeClient,
  bus: string,
  rule: { name: string; pattern: unknown; targetArn: string },
): Promise<void> {
  await events.send(new CreateEventBusCommand({ Name: bus }));
  await events.send(
    new PutRuleCommand({ Name: rule.name, EventBusName: bus, EventPattern: JSON.stringify(rule.pattern) }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: rule.name,
      EventBusName: bus,
      Targets: [{ Id: 'target', Arn: rule.targetArn }],
    }),
  );
}

/** A queue on the emulator: its URL and ARN, and a way to read everything that reached it. */
export interface EmulatedQueue {
  url: string;
  arn: string;
  /** Every message on the queue (moto delivers at once; a short poll ends when the queue is drained). */
  drain(): Promise<Message[]>;
}

export async function createEmulatedQueue(sqs: SQSClient, name: string): Promise<EmulatedQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!QueueUrl || !Attributes?.QueueArn) throw new Error(`queue ${name} was not created`);
  return {
    url: QueueUrl,
    arn: Attributes.QueueArn,
    drain: async () => {
      const messages: Message[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
          }),
        );
        if (!out.Messages?.length) return messages;
        messages.push(...out.Messages);
      }
    },
  };
}

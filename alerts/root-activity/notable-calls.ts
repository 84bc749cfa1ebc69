/**
 * Data: the root calls a session summary calls out before the counts (issue 15, "the calls that matter").
 * One table, read by `notableCategories` and nothing else, so adding a call is one line here and a test row,
 * never another `if` in the summary.
 *
 * A rule matches a call by its service (eventSource without `.amazonaws.com`) and either exact action names or
 * action-name prefixes; `mutatingOnly` skips reads (Get/List/Describe/...); `unusualRegionOnly` marks spend,
 * which matters only in a Region the account does not normally use (the summary decides that, with the
 * account's usual Regions as input; the alert path only records the candidate and its Region).
 *
 * Action names are those of each service's API reference (the CloudTrail eventName is the API action):
 * IAM https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html,
 * EC2 https://docs.aws.amazon.com/AWSEC2/latest/APIReference/OperationList-query.html,
 * Organizations https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html,
 * Account https://docs.aws.amazon.com/accounts/latest/reference/API_Operations.html,
 * Billing and Cost Management events in CloudTrail
 * https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/logging-using-cloudtrail.html.
 */

/** In the order a summary lists them: what hands over the account first, then money, then loss. */
export const NOTABLE_CATEGORIES = [
  'credentials',
  'mfa',
  'organizations',
  'billing',
  'spend-unusual-region',
  'deletion',
] as const;
export type NotableCategory = (typeof NOTABLE_CATEGORIES)[number];

export interface NotableRule {
  category: NotableCategory;
  /** eventSource without `.amazonaws.com`, e.g. `iam` (or several); `*` for every service. */
  service: string | readonly string[];
  actions?: readonly string[];
  actionPrefixes?: readonly string[];
  /** Skip reads: actions starting with one of READ_PREFIXES. */
  mutatingOnly?: boolean;
}

/**
 * Why a reader should look at each category first (the summary's legend). Apart from the rules so that the
 * alert Lambda, which only matches calls, does not carry the prose.
 */
export const CATEGORY_WHY: Readonly<Record<NotableCategory, string>> = {
  credentials: 'root credentials changed: whoever holds them (or reads root mail) holds the account',
  mfa: 'root MFA changed: a new device is a new way in, a removed one a lock taken off',
  organizations: 'the account changed its place in the organization (leaving it drops every SCP)',
  billing: 'a commitment, billing, payment or account settings changed, or the account itself',
  'spend-unusual-region':
    'compute started in a Region the account does not normally use (the cryptojacking pattern)',
  deletion: 'something was deleted, stopped or disabled (logs and guardrails included)',
};

/** Action prefixes of calls that only read (CloudTrail marks them readOnly; the prefix is what we have). */
export const READ_PREFIXES = ['Get', 'List', 'Describe', 'View', 'Search', 'Lookup', 'Check', 'BatchGet'];

export const NOTABLE_RULES: readonly NotableRule[] = [
  {
    category: 'credentials',
    service: 'iam',
    actions: [
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'ChangePassword',
      'UploadSigningCertificate',
      'UpdateSigningCertificate',
      'DeleteSigningCertificate',
      'UploadSSHPublicKey',
      'CreateServiceSpecificCredential',
    ],
  },
  {
    category: 'credentials',
    service: 'signin',
    actions: ['PasswordRecoveryRequested', 'PasswordRecoveryCompleted'],
  },
  {
    category: 'mfa',
    service: 'iam',
    actions: [
      'CreateVirtualMFADevice',
      'EnableMFADevice',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
      'ResyncMFADevice',
    ],
  },
  {
    category: 'organizations',
    service: 'organizations',
    actionPrefixes: [''],
    mutatingOnly: true,
  },
  {
    category: 'billing',
    service: '*',
    actions: [
      'PurchaseReservedInstancesOffering',
      'PurchaseHostReservation',
      'PurchaseScheduledInstances',
      'CreateSavingsPlan',
      'CloseAccount',
      'PutAlternateContact',
      'DeleteAlternateContact',
      'PutContactInformation',
    ],
  },
  {
    category: 'billing',
    service: ['billing', 'billingconsole', 'payments', 'tax', 'invoicing', 'budgets', 'ce', 'cur', 'account'],
    actionPrefixes: [''],
    mutatingOnly: true,
  },
  {
    category: 'spend-unusual-region',
    service: 'ec2',
    actions: [
      'RunInstances',
      'RequestSpotInstances',
      'RequestSpotFleet',
      'CreateFleet',
      'RunScheduledInstances',
    ],
  },
  {
    category: 'spend-unusual-region',
    service: 'autoscaling',
    actions: ['CreateAutoScalingGroup', 'UpdateAutoScalingGroup', 'SetDesiredCapacity'],
  },
  {
    category: 'spend-unusual-region',
    service: 'lightsail',
    actions: ['CreateInstances', 'CreateInstancesFromSnapshot'],
  },
  {
    category: 'spend-unusual-region',
    service: 'sagemaker',
    actions: ['CreateNotebookInstance', 'CreateTrainingJob', 'CreateEndpoint', 'CreateProcessingJob'],
  },
  {
    category: 'spend-unusual-region',
    service: 'ecs',
    actions: ['RunTask', 'CreateService'],
  },
  {
    category: 'deletion',
    service: '*',
    actionPrefixes: ['Delete', 'Terminate', 'Remove', 'Disable', 'Stop', 'Detach', 'Deregister', 'Purge'],
  },
];

export interface NotableCallInput {
  /** `iam.amazonaws.com` or `iam`. */
  eventSource: string;
  eventName: string;
}

const serviceOf = (eventSource: string) => eventSource.replace(/\.amazonaws\.com$/, '');
const isRead = (action: string) => READ_PREFIXES.some((p) => action.startsWith(p));

function matches(rule: NotableRule, service: string, action: string): boolean {
  const services = typeof rule.service === 'string' ? [rule.service] : rule.service;
  if (rule.service !== '*' && !services.includes(service)) return false;
  if (rule.mutatingOnly && isRead(action)) return false;
  if (rule.actions?.includes(action)) return true;
  return rule.actionPrefixes?.some((p) => action.startsWith(p)) ?? false;
}

/**
 * Pure: every category of NOTABLE_RULES the call falls in, in NOTABLE_CATEGORIES order, each once. Empty
 * for an ordinary call. `spend-unusual-region` here means "spend": whether its Region is unusual is the
 * summary's call.
 */
export function notableCategories(call: NotableCallInput): NotableCategory[] {
  const service = serviceOf(call.eventSource);
  const found = new Set(
    NOTABLE_RULES.filter((r) => matches(r, service, call.eventName)).map((r) => r.category),
  );
  return NOTABLE_CATEGORIES.filter((c) => found.has(c));
}

/** The reader's legend for a category. */
export const categoryWhy = (category: NotableCategory): string => CATEGORY_WHY[category];

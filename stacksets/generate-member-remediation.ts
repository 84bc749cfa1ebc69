/**
 * Builds stacksets/member-remediation.yaml: what an AWS Config remediation of a rootguard rule needs in the member
 * account where Config runs it. The organization conformance pack's RemediationConfigurations name their documents
 * by plain name (`RootGuard-…`) and the Automation role by name, so both must exist in every account:
 *
 * - RemediationRole (RootGuardRemediationRole; the pack's AutomationAssumeRoleName): the role SSM Automation
 *   assumes there. Trusted by ssm.amazonaws.com for this account's own automation executions only
 *   (aws:SourceAccount, aws:SourceArn: confused-deputy protection). It may invoke the central remediation Lambdas
 *   the documents name (their default function names behind RemediationFunctionNamePrefix, in the security tooling
 *   account and this Region; nothing else) and publish the approval requests on ApprovalTopicArn (with its KMS key,
 *   through SNS only).
 * - ExecutionReaderRole (RootGuardRemediationReader): the central Lambdas that check an execution record before
 *   they act (the approval, the parameters: remediations/lib/automation-execution.ts) assume it to read a record
 *   that is in this account: ssm:GetAutomationExecution and ssm:DescribeAutomationStepExecutions on this account's
 *   automation executions, nothing else. Trusted by those Lambdas' roles only (RemediationRoleNamePrefix + folder).
 * - One AWS::SSM::Document per remediation document a rule names, from remediations/<folder>/document.yaml, under
 *   the name the rule.json gives (UpdateMethod NewVersion: a changed document becomes a new default version under
 *   the same name instead of a replacement, which a fixed name would not allow).
 *
 * The template is GENERATED (`npm run generate`, scripts/generate.ts) so the documents and the function list never
 * drift from remediations/; test/contract/member-remediation.test.ts compares the committed file with this
 * function's output. Pure: no file system, no AWS. Long-form intrinsics only (plain YAML parsers read it).
 */
import { parse, stringify } from 'yaml';
import { type CfnValue, functionNameParameters, pascalCase } from '../conformance-packs/generate';
import { documentDigest } from '../remediations/lib/document-digest';
import { type AutomationDocument, DOCUMENT_NAME_PREFIX } from '../remediations/lib/documents';

export const MEMBER_REMEDIATION_FILE = 'member-remediation.yaml';
/** CreateStackSet / CreateStack TemplateBody limit; a larger template would need TemplateURL (S3). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;
/** Every rootguard Lambda's default function name starts with this; RemediationFunctionNamePrefix replaces it. */
export const FUNCTION_NAME_PREFIX = 'rootguard-';
/**
 * The remediation Lambdas (their folders, hence their roles `<RemediationRoleNamePrefix><folder>`) that read an
 * execution record before they act: the ones the reader role trusts.
 */
export const RECORD_READING_FOLDERS = [
  'attach-deny-root-scp',
  'delete-root-access-keys',
  'delete-root-credentials',
  // Opens OpsItems only for a genuine execution of the deployed document for that account (its record and the
  // document version it ran are read here).
  'request-hardware-mfa',
] as const;

/** A remediation document to deploy: its folder, SSM name, the file as written and its checked content. */
export interface MemberRemediationDocument {
  folder: string;
  name: string;
  /** document.yaml as written: what the template embeds (parsed as is, key order kept, comments dropped). */
  raw: string;
  content: AutomationDocument;
}

export interface MemberRemediationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters: Record<string, { [key: string]: CfnValue }>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: { [key: string]: CfnValue } }>;
  Outputs: Record<string, { [key: string]: CfnValue }>;
}

const ROLE_NAME_PATTERN = '^[\\w+=,.@-]{1,64}$';
/** = the documents' ApprovalNotificationArn allowedPattern (aws:approve: the topic name starts with Automation). */
const APPROVAL_TOPIC_PATTERN =
  '^arn:aws(-cn|-us-gov)?:sns:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:Automation[A-Za-z0-9_-]{0,246}$';
const KMS_KEY_ARN_PATTERN =
  '^arn:aws(-cn|-us-gov)?:kms:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:key/[A-Za-z0-9-]{1,128}$';
const TAGS: CfnValue = [{ Key: 'app', Value: 'rootguard' }];

const sub = (text: string): CfnValue => ({ 'Fn::Sub': text });
const ref = (name: string): CfnValue => ({ Ref: name });

/** `RootGuard-DeleteRootAccessKeys` in folder delete-root-access-keys → `DeleteRootAccessKeysDocument`. */
export const documentLogicalId = (folder: string) => `${pascalCase(folder)}Document`;

/**
 * The central Lambdas the documents invoke, as the part of their default function name after `rootguard-`
 * (`delete-root-access-keys`), sorted and once each.
 */
export function remediationFunctionSuffixes(documents: readonly MemberRemediationDocument[]): string[] {
  const suffixes = new Set<string>();
  for (const doc of documents) {
    for (const parameter of functionNameParameters(doc.content)) {
      const name = doc.content.parameters[parameter]?.default;
      if (typeof name !== 'string' || !name.startsWith(FUNCTION_NAME_PREFIX)) {
        throw new Error(
          `${doc.name}: the default of ${parameter} must be a function name starting with ${FUNCTION_NAME_PREFIX}`,
        );
      }
      suffixes.add(name.slice(FUNCTION_NAME_PREFIX.length));
    }
  }
  return [...suffixes].sort();
}

/**
 * The documents to deploy: the remediation document of every rule, once each, in rule order. A rule naming a
 * document that is not under remediations/ is an error. (RootGuard-OpenBreakGlassWindow is no rule's remediation:
 * it is started by hand in the security tooling account and stays there.)
 */
export function memberRemediationDocuments(
  rules: readonly { id: string; remediation: { documentId: string } }[],
  documents: readonly MemberRemediationDocument[],
): MemberRemediationDocument[] {
  const chosen = new Map<string, MemberRemediationDocument>();
  for (const rule of rules) {
    const doc = documents.find((d) => d.name === rule.remediation.documentId);
    if (!doc) {
      throw new Error(
        `rule ${rule.id} names remediation document ${rule.remediation.documentId}, which is not under remediations/`,
      );
    }
    chosen.set(doc.name, doc);
  }
  return [...chosen.values()];
}

export function generateMemberRemediation(
  documents: readonly MemberRemediationDocument[],
): MemberRemediationTemplate {
  const functionArns = remediationFunctionSuffixes(documents).flatMap((suffix) => {
    const arn = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${SecurityToolingAccountId}:function:\${RemediationFunctionNamePrefix}${suffix}`;
    // The unqualified function, and any version or alias of it (a pack may pass a qualified ARN).
    return [sub(arn), sub(`${arn}:*`)];
  });
  const readerPrincipals = RECORD_READING_FOLDERS.map((folder) =>
    sub(
      `arn:\${AWS::Partition}:iam::\${SecurityToolingAccountId}:role/\${RemediationRoleNamePrefix}${folder}`,
    ),
  );

  const resources: MemberRemediationTemplate['Resources'] = {
    RemediationRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: ref('RemediationRoleName'),
        Description:
          'rootguard - SSM Automation runs the rootguard remediation documents of this account with it',
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AutomationExecutionsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'ssm.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                ArnLike: {
                  'aws:SourceArn': sub(
                    `arn:\${AWS::Partition}:ssm:*:\${AWS::AccountId}:automation-execution/*`,
                  ),
                },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'rootguard-run-remediations',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'InvokeCentralRemediationLambdas',
                  Effect: 'Allow',
                  Action: 'lambda:InvokeFunction',
                  Resource: functionArns,
                },
                {
                  Sid: 'PublishApprovalRequests',
                  Effect: 'Allow',
                  Action: 'sns:Publish',
                  Resource: ref('ApprovalTopicArn'),
                },
                // The topic is encrypted with a customer managed key of the tooling account (an AWS managed key
                // cannot be used from another account): cross-account KMS use needs these two actions in this
                // policy as well as in the key policy. Through SNS only.
                {
                  Sid: 'EncryptApprovalRequests',
                  Effect: 'Allow',
                  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
                  Resource: ref('ApprovalTopicKeyArn'),
                  Condition: {
                    StringEquals: { 'kms:ViaService': sub(`sns.\${AWS::Region}.\${AWS::URLSuffix}`) },
                  },
                },
              ],
            },
          },
        ],
        Tags: TAGS,
      },
    },
    ExecutionReaderRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: ref('ExecutionReaderRoleName'),
        Description:
          "rootguard - the central remediation Lambdas read this account's automation execution records (approvals) with it",
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'RecordCheckingRemediationLambdas',
              Effect: 'Allow',
              Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::\${SecurityToolingAccountId}:root`) },
              Action: 'sts:AssumeRole',
              Condition: { ArnEquals: { 'aws:PrincipalArn': readerPrincipals } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'rootguard-read-automation-executions',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'ReadAutomationExecutionRecords',
                  Effect: 'Allow',
                  Action: ['ssm:GetAutomationExecution', 'ssm:DescribeAutomationStepExecutions'],
                  Resource: sub(
                    `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-execution/*`,
                  ),
                },
                // The version of the document an execution ran, compared with the one rootguard deployed
                // (remediations/lib/document-digest.ts): an admin of this account can change the documents here.
                {
                  Sid: 'ReadRootGuardDocuments',
                  Effect: 'Allow',
                  Action: 'ssm:GetDocument',
                  Resource: sub(
                    `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:document/${DOCUMENT_NAME_PREFIX}*`,
                  ),
                },
              ],
            },
          },
        ],
        Tags: TAGS,
      },
    },
  };
  for (const doc of documents) {
    resources[documentLogicalId(doc.folder)] = {
      Type: 'AWS::SSM::Document',
      Properties: {
        Name: doc.name,
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
        UpdateMethod: 'NewVersion',
        Content: parse(doc.raw) as CfnValue,
        Tags: TAGS,
      },
    };
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'rootguard member account - SSM Automation role, execution-record reader and remediation documents for the rootguard conformance pack',
    Parameters: {
      SecurityToolingAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        ConstraintDescription: 'a 12-digit AWS account id',
        Description: 'The security tooling account that runs the rootguard Lambdas (the central osls stack).',
      },
      RemediationRoleName: {
        Type: 'String',
        Default: 'RootGuardRemediationRole',
        AllowedPattern: ROLE_NAME_PATTERN,
        Description:
          'Name of the SSM Automation role: the conformance pack parameter AutomationAssumeRoleName.',
      },
      ExecutionReaderRoleName: {
        Type: 'String',
        Default: 'RootGuardRemediationReader',
        AllowedPattern: ROLE_NAME_PATTERN,
        Description:
          'Name of the execution-record reader role: EXECUTION_READER_ROLE_NAME of the remediation Lambdas.',
      },
      RemediationRoleNamePrefix: {
        Type: 'String',
        Default: 'rootguard-prod-remediation-',
        // No '*' or '?': the prefix cannot be widened into a wildcard, and it cannot be blank.
        AllowedPattern: '^[\\w+=,.@-]{1,44}$',
        Description:
          'Name prefix of the remediation Lambda roles in the security tooling account (<prefix><remediation folder>); the reader role trusts the record-checking ones. Same value as in management-account.yaml.',
      },
      RemediationFunctionNamePrefix: {
        Type: 'String',
        Default: FUNCTION_NAME_PREFIX,
        AllowedPattern: '^[A-Za-z0-9_-]{1,40}$',
        Description: `What replaces "${FUNCTION_NAME_PREFIX}" in the documents' default function names to give the central remediation Lambdas' names (the functions the pack's Remediation*FunctionName ARNs name).`,
      },
      ApprovalTopicArn: {
        Type: 'String',
        AllowedPattern: APPROVAL_TOPIC_PATTERN,
        Description:
          "The approval topic in the security tooling account: the pack's RemediationApprovalNotificationArn (aws:approve publishes there with the Automation role; the name starts with Automation).",
      },
      ApprovalTopicKeyArn: {
        Type: 'String',
        AllowedPattern: KMS_KEY_ARN_PATTERN,
        Description:
          'The KMS key that encrypts the approval topic (central stack: RemediationApprovalTopicKey); the Automation role may use it through SNS only.',
      },
    },
    Resources: resources,
    Outputs: {
      RemediationRoleArn: {
        Description: 'The SSM Automation role (the pack builds this ARN from AutomationAssumeRoleName)',
        Value: { 'Fn::GetAtt': ['RemediationRole', 'Arn'] },
      },
      ExecutionReaderRoleArn: {
        Description: 'The role the central remediation Lambdas assume to read execution records here',
        Value: { 'Fn::GetAtt': ['ExecutionReaderRole', 'Arn'] },
      },
    },
  };
}

export const GENERATED_HEADER = [
  "# rootguard member-remediation template: in every account of the organization conformance pack, in the pack's",
  '# Region (a service-managed StackSet with auto-deployment; the management account gets it as a plain stack), what',
  '# an AWS Config remediation there needs: the SSM Automation role (RootGuardRemediationRole), the role the central',
  '# remediation Lambdas assume to read an execution record here (RootGuardRemediationReader), and the remediation',
  '# documents the rules name. ONE Region per account: IAM role names are global.',
  '#',
  '# GENERATED from remediations/*/document.yaml and rules/*/rule.json by scripts/generate.ts: do not edit by hand;',
  '# run `npm run generate` after changing a remediation document.',
  '# Why each role and permission: stacksets/generate-member-remediation.ts. Rollout: conformance-packs/README.md.',
].join('\n');

/** The template as committed: header, then YAML with long-form intrinsics only. */
export function renderMemberRemediation(template: MemberRemediationTemplate): string {
  // YAML 1.1 output quotes strings a YAML 1.1 reader would take for something else (2010-09-09 as a date).
  const yaml = stringify(template, { version: '1.1', lineWidth: 0, indent: 2, aliasDuplicateObjects: false });
  return `${GENERATED_HEADER}\n${yaml}`;
}

export const DOCUMENT_DIGESTS_FILE = 'remediations/lib/document-digests.ts';

/**
 * remediations/lib/document-digests.ts: the canonical digest (document-digest.ts) of every document as
 * CloudFormation deploys it (the parsed document.yaml, in serverless.yml and in this template alike), by folder.
 */
export function renderDocumentDigests(documents: readonly { folder: string; content: unknown }[]): string {
  const lines = [...documents]
    .sort((a, b) => a.folder.localeCompare(b.folder))
    .map((doc) => {
      const line = `  '${doc.folder}': '${documentDigest(doc.content)}',`;
      // Biome's line width (biome.json): a longer entry goes on two lines, as the formatter would put it.
      return line.length <= 110 ? line : `  '${doc.folder}':\n    '${documentDigest(doc.content)}',`;
    });
  return [
    '/**',
    ' * GENERATED by scripts/generate.ts (`npm run generate`) from remediations/<folder>/document.yaml: do not edit.',
    " * The digest of each document rootguard deploys (remediations/lib/document-digest.ts says why not SSM's own Hash).",
    ' */',
    'export const DEPLOYED_DOCUMENT_DIGESTS: Readonly<Record<string, string>> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

/**
 * Who can do what on which resource, read from a synthesized stack: the trust policy of every IAM role,
 * the identity policies attached to roles, users and groups (inline JSON, `aws_iam_policy_document` data
 * sources, `aws_iam_policy` resources, AWS managed policies), Lambda permissions, and resource policies
 * (`aws_s3_bucket_policy` and any other `aws_*_policy` resource, and the `policy` / `access_policies`
 * argument of other resources such as KMS keys, queues and topics).
 */
import { Principal, readPolicy, Statement as PolicyStatement } from '../checks/policy';
import { Json, parseReference, StackView, stackView } from '../checks/stack-view';
import { Block, TerraformDocument } from './stack';

/** A policy statement as the review shows it (read by the shared parser, `readPolicy` of checks/policy.ts). */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** NotAction: everything except these; undefined when the statement has no NotAction. */
  readonly notActions: readonly string[] | undefined;
  readonly resources: readonly string[];
  /** NotResource: every resource except these; undefined when the statement has no NotResource. */
  readonly notResources: readonly string[] | undefined;
  /** `anyone (*)`, `Service ecs-tasks.amazonaws.com`, ...; NotPrincipal entries start with `not `. */
  readonly principals: readonly string[];
  /** `test variable = value, value` */
  readonly conditions: readonly string[];
}

export interface Grant extends Statement {
  /** Who receives the permission: `role <name>`, or the principals of a resource policy. */
  readonly who: string;
  /** The address of the resource that grants it. */
  readonly grantedBy: string;
}

export interface RoleTrust {
  readonly address: string;
  readonly name: string;
  readonly principals: readonly string[];
  readonly actions: readonly string[];
  readonly conditions: readonly string[];
}

export interface IamSummary {
  readonly roles: readonly RoleTrust[];
  readonly grants: readonly Grant[];
  /** Policies whose statements could not be read (an expression such as `jsonencode(...)` or `file(...)`, or not IAM JSON), and why. */
  readonly unresolved: readonly { readonly address: string; readonly policy: string; readonly problem: string }[];
  /** Policies that were read and have no statements (e.g. `{}`): they grant nothing. */
  readonly empty: readonly string[];
}

const IDENTITY_POLICY_TYPES: Record<string, 'role' | 'user' | 'group'> = {
  aws_iam_role_policy: 'role',
  aws_iam_user_policy: 'user',
  aws_iam_group_policy: 'group',
};
const ATTACHMENT_TYPES: Record<string, 'role' | 'user' | 'group'> = {
  aws_iam_role_policy_attachment: 'role',
  aws_iam_user_policy_attachment: 'user',
  aws_iam_group_policy_attachment: 'group',
};
/** `*_policy` resources that are not resource policies. */
const NOT_RESOURCE_POLICIES = new Set(['aws_iam_policy', ...Object.keys(IDENTITY_POLICY_TYPES)]);

export function iamSummary(doc: TerraformDocument): IamSummary {
  const resources = doc.resource ?? {};
  const grants: Grant[] = [];
  const unresolved: { address: string; policy: string; problem: string }[] = [];
  const empty: string[] = [];

  const statementsOf = (policy: unknown, address: string): Statement[] | undefined => {
    const document = readPolicy(policy as Json | undefined, stackOf(doc), 'policy');
    if (!document.ok) {
      unresolved.push({ address, policy: typeof policy === 'string' ? policy : String(JSON.stringify(policy)), problem: document.problem });
      return undefined;
    }
    if (document.statements.length === 0) empty.push(address);
    return document.statements.map(reviewStatement);
  };
  const principalName = (kind: 'role' | 'user' | 'group', ref: unknown): string => {
    if (ref === undefined || ref === null) return `${kind} (known after apply)`;
    const reference = parseReference(ref);
    if (reference && reference.type === `aws_iam_${kind}`) {
      const block = resources[reference.type]?.[reference.name];
      return `${kind} ${typeof block?.name === 'string' ? block.name : reference.name}`;
    }
    return `${kind} ${String(ref)}`;
  };

  const roles: RoleTrust[] = [];
  for (const [name, role] of entries(resources.aws_iam_role)) {
    const address = `aws_iam_role.${name}`;
    const roleName = typeof role.name === 'string' ? role.name : name;
    const trust = statementsOf(role.assume_role_policy, address) ?? [];
    const allowed = trust.filter((s) => s.effect === 'Allow');
    roles.push({
      address,
      name: roleName,
      principals: unique(allowed.flatMap((s) => s.principals)),
      actions: unique(allowed.flatMap((s) => s.actions)),
      conditions: unique(allowed.flatMap((s) => s.conditions)),
    });
    for (const inline of asArray(role.inline_policy) as ({ policy?: unknown; name?: unknown } | null)[]) {
      for (const s of statementsOf(inline?.policy, `${address} (inline_policy ${String(inline?.name ?? '')})`) ?? []) {
        grants.push({ ...s, principals: [], who: `role ${roleName}`, grantedBy: address });
      }
    }
    for (const arn of asArray(role.managed_policy_arns)) grants.push(...attachedPolicy(doc, String(arn), `role ${roleName}`, address, statementsOf));
  }

  for (const [type, kind] of Object.entries(IDENTITY_POLICY_TYPES)) {
    for (const [name, block] of entries(resources[type])) {
      const address = `${type}.${name}`;
      for (const s of statementsOf(block.policy, address) ?? []) {
        grants.push({ ...s, principals: [], who: principalName(kind, block[kind]), grantedBy: address });
      }
    }
  }
  for (const [type, kind] of Object.entries(ATTACHMENT_TYPES)) {
    for (const [name, block] of entries(resources[type])) {
      grants.push(...attachedPolicy(doc, String(block.policy_arn), principalName(kind, block[kind]), `${type}.${name}`, statementsOf));
    }
  }

  for (const [name, block] of entries(resources.aws_lambda_permission)) {
    const conditions = [
      block.source_arn !== undefined ? `source_arn = ${block.source_arn}` : undefined,
      block.source_account !== undefined ? `source_account = ${block.source_account}` : undefined,
      block.principal_org_id !== undefined ? `principal_org_id = ${block.principal_org_id}` : undefined,
      block.function_url_auth_type !== undefined ? `function_url_auth_type = ${block.function_url_auth_type}` : undefined,
    ].filter((c): c is string => c !== undefined);
    const principal = String(block.principal);
    grants.push({
      who: principal === '*' ? 'anyone (*)' : principal,
      grantedBy: `aws_lambda_permission.${name}`,
      effect: 'Allow',
      actions: [String(block.action)],
      notActions: undefined,
      resources: [block.qualifier !== undefined ? `${block.function_name}:${block.qualifier}` : String(block.function_name)],
      notResources: undefined,
      principals: [principal],
      conditions,
    });
  }

  // Resource policies: `aws_*_policy` resources (bucket, queue, topic, repository, domain policies), and the
  // `policy` / `access_policies` argument of any other resource (KMS keys, queues, topics, secrets, APIs).
  for (const type of Object.keys(resources).sort()) {
    if (NOT_RESOURCE_POLICIES.has(type) || type.startsWith('aws_iam_')) continue;
    const policyResource = /^aws_.*_policy$/.test(type);
    for (const [name, block] of entries(resources[type])) {
      for (const argument of ['policy', 'access_policies'] as const) {
        if (block[argument] === undefined) continue;
        const address = argument === 'policy' ? `${type}.${name}` : `${type}.${name} (${argument})`;
        // Outside *_policy resources a `policy` argument may be something else than IAM JSON: skip it quietly.
        const statements = policyResource ? statementsOf(block[argument], address) : resolvePolicy(doc, block[argument]);
        for (const s of statements ?? []) {
          grants.push({ ...s, who: s.principals.length > 0 ? s.principals.join(', ') : '(no principal)', grantedBy: address });
        }
      }
    }
  }
  return { roles, grants, unresolved, empty };
}

/** The statements of a policy argument (a JSON string or object, or a reference to a policy document or policy); undefined when it cannot be read. */
export function resolvePolicy(doc: TerraformDocument, policy: unknown): Statement[] | undefined {
  const document = readPolicy(policy as Json | undefined, stackOf(doc), 'policy');
  return document.ok ? document.statements.map(reviewStatement) : undefined;
}

const views = new WeakMap<TerraformDocument, StackView>();

/** The shared parser's view of a review document (built once per document). */
function stackOf(doc: TerraformDocument): StackView {
  let view = views.get(doc);
  if (!view) {
    view = stackView(doc);
    views.set(doc, view);
  }
  return view;
}

function reviewStatement(s: PolicyStatement): Statement {
  return {
    effect: s.effect,
    actions: s.actions,
    notActions: s.notActions,
    resources: s.resources,
    notResources: s.notResources,
    principals: [...s.principals.flatMap((p) => principalNames(p, '')), ...(s.notPrincipals ?? []).flatMap((p) => principalNames(p, 'not '))],
    conditions: s.conditions.map((c) => `${c.test} ${c.variable} = ${c.values.join(', ')}`),
  };
}

function principalNames(principal: Principal, prefix: string): string[] {
  return principal.identifiers.map((id) => `${prefix}${principal.type === 'AWS' && id === '*' ? 'anyone (*)' : `${principal.type} ${id}`}`);
}

function attachedPolicy(
  doc: TerraformDocument,
  arn: string,
  who: string,
  grantedBy: string,
  statementsOf: (policy: unknown, address: string) => Statement[] | undefined,
): Grant[] {
  const reference = parseReference(arn);
  if (reference && reference.type === 'aws_iam_policy') {
    const block = doc.resource?.aws_iam_policy?.[reference.name];
    const address = `aws_iam_policy.${reference.name}`;
    return (statementsOf(block?.policy, address) ?? []).map((s) => ({ ...s, principals: [], who, grantedBy: `${grantedBy} → ${address}` }));
  }
  // An AWS managed (or otherwise external) policy: its statements are not in the stack.
  return [
    {
      who,
      grantedBy,
      effect: 'Allow',
      actions: [`(all of managed policy ${arn})`],
      notActions: undefined,
      resources: [],
      notResources: undefined,
      principals: [],
      conditions: [],
    },
  ];
}

function entries(blocks: Record<string, Block> | undefined): [string, Block][] {
  return Object.keys(blocks ?? {})
    .sort()
    .map((name) => [name, blocks![name]!]);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

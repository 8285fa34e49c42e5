/**
 * Who can do what on which resource, read from a synthesized stack: the trust policy of every IAM role,
 * the identity policies attached to roles, users and groups (inline JSON, `aws_iam_policy_document` data
 * sources, `aws_iam_policy` resources, AWS managed policies), Lambda permissions, and resource policies
 * (`aws_s3_bucket_policy` and any other `aws_*_policy` resource, and the `policy` / `access_policies`
 * argument of other resources such as KMS keys, queues and topics).
 */
import { parseReference } from '../checks/stack-view';
import { Block, TerraformDocument } from './stack';

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** True when the statement lists NotAction (everything except `actions`). */
  readonly notActions: boolean;
  readonly resources: readonly string[];
  readonly notResources: boolean;
  readonly principals: readonly string[];
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
  /** Policies whose statements could not be read (an expression such as `jsonencode(...)` or `file(...)`). */
  readonly unresolved: readonly { readonly address: string; readonly policy: string }[];
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
  const unresolved: { address: string; policy: string }[] = [];

  const statementsOf = (policy: unknown, address: string): Statement[] | undefined => {
    const statements = resolvePolicy(doc, policy);
    if (statements === undefined) unresolved.push({ address, policy: typeof policy === 'string' ? policy : JSON.stringify(policy) });
    return statements;
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
    for (const inline of asArray(role.inline_policy)) {
      for (const s of statementsOf(inline?.policy, `${address} (inline_policy ${inline?.name ?? ''})`) ?? []) {
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
      notActions: false,
      resources: [block.qualifier !== undefined ? `${block.function_name}:${block.qualifier}` : String(block.function_name)],
      notResources: false,
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
  return { roles, grants, unresolved };
}

/** The statements of a policy argument: a JSON string, or a reference to a policy document or policy. */
export function resolvePolicy(doc: TerraformDocument, policy: unknown): Statement[] | undefined {
  if (policy && typeof policy === 'object' && !Array.isArray(policy)) return jsonStatements(policy);
  if (typeof policy !== 'string') return undefined;
  const reference = parseReference(policy);
  if (reference) {
    if (reference.kind === 'data' && reference.type === 'aws_iam_policy_document') {
      const block = doc.data?.aws_iam_policy_document?.[reference.name];
      return block ? documentStatements(block) : undefined;
    }
    if (reference.kind === 'resource' && reference.type === 'aws_iam_policy' && reference.attribute === 'policy') {
      const block = doc.resource?.aws_iam_policy?.[reference.name];
      return block ? resolvePolicy(doc, block.policy) : undefined;
    }
    return undefined;
  }
  try {
    return jsonStatements(JSON.parse(policy));
  } catch {
    return undefined;
  }
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
  return [{ who, grantedBy, effect: 'Allow', actions: [`(all of managed policy ${arn})`], notActions: false, resources: [], notResources: false, principals: [], conditions: [] }];
}

/** Statements of an IAM policy JSON document (`{"Statement": [...]}` or one statement object). */
function jsonStatements(document: any): Statement[] | undefined {
  if (!document || typeof document !== 'object') return undefined;
  const raw = document.Statement ?? document.statement;
  if (raw === undefined) return undefined;
  return asArray(raw).map((s: any) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(s.Action ?? s.NotAction),
    notActions: s.Action === undefined && s.NotAction !== undefined,
    resources: strings(s.Resource ?? s.NotResource),
    notResources: s.Resource === undefined && s.NotResource !== undefined,
    principals: jsonPrincipals(s.Principal ?? s.NotPrincipal, s.Principal === undefined && s.NotPrincipal !== undefined),
    conditions: Object.entries<Record<string, unknown>>(s.Condition ?? {}).flatMap(([test, byKey]) =>
      Object.entries(byKey ?? {}).map(([variable, values]) => `${test} ${variable} = ${strings(values).join(', ')}`),
    ),
  }));
}

/** Statements of a synthesized `data.aws_iam_policy_document` (blocks as lists, Terraform argument names). */
function documentStatements(block: Block): Statement[] {
  return asArray(block.statement).map((s: any) => {
    const principalBlocks = asArray(s.principals ?? s.not_principals);
    const not = s.principals === undefined && s.not_principals !== undefined;
    return {
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.actions ?? s.not_actions),
      notActions: s.actions === undefined && s.not_actions !== undefined,
      resources: strings(s.resources ?? s.not_resources),
      notResources: s.resources === undefined && s.not_resources !== undefined,
      principals: principalBlocks.flatMap((p: any) =>
        strings(p.identifiers).map((id) => `${not ? 'not ' : ''}${p.type === '*' && id === '*' ? 'anyone (*)' : `${p.type} ${id}`}`),
      ),
      conditions: asArray(s.condition).map((c: any) => `${c.test} ${c.variable} = ${strings(c.values).join(', ')}`),
    };
  });
}

function jsonPrincipals(principal: unknown, not: boolean): string[] {
  const prefix = not ? 'not ' : '';
  if (principal === undefined) return [];
  if (principal === '*') return [`${prefix}anyone (*)`];
  if (typeof principal === 'string') return [`${prefix}${principal}`];
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, ids]) =>
    strings(ids).map((id) => `${prefix}${type === 'AWS' && id === '*' ? 'anyone (*)' : `${type} ${id}`}`),
  );
}

function entries(blocks: Record<string, Block> | undefined): [string, Block][] {
  return Object.keys(blocks ?? {})
    .sort()
    .map((name) => [name, blocks![name]!]);
}

function asArray(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return asArray(value).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

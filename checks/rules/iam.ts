/** IAM rules on identity policies (role, user, group and managed policies) and policy attachments. */
import { PolicyDocument, readPolicy, statementName } from '../policy';
import { fail, pass, Rule } from '../rule';
import { blocks, Json, ResourceView, StackView, stringList } from '../stack-view';

/** Identity-policy resources and the attribute that holds the document. */
const POLICY_ATTRIBUTE: Record<string, string> = {
  aws_iam_role_policy: 'policy',
  aws_iam_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
};

/** `*` outside Terraform expressions: `${aws_s3_bucket.x.arn}/*` has one, `${a * b}` has none. */
function hasWildcard(value: string): boolean {
  return value.replace(/\$\{[^]*?\}/g, '').includes('*');
}

/**
 * The wildcard findings of a policy's Allow statements, each a stable id a suppression can name:
 * `Action::s3:*`, `NotAction::...`, `Resource::* for xray:PutTraceSegments`, `NotResource::...`.
 */
export function wildcardFindings(document: Extract<PolicyDocument, { ok: true }>): { findings: string[]; details: string[] } {
  const findings: string[] = [];
  const details: string[] = [];
  document.statements.forEach((statement, index) => {
    if (statement.effect !== 'Allow') return;
    const found: string[] = [];
    for (const action of statement.actions) if (hasWildcard(action)) found.push(`Action::${action}`);
    for (const action of statement.notActions ?? []) found.push(`NotAction::${action}`);
    for (const resource of statement.resources) {
      if (!hasWildcard(resource)) continue;
      const actions = statement.actions.length > 0 ? statement.actions : (statement.notActions ?? []).map((a) => `not ${a}`);
      for (const action of actions) found.push(`Resource::${resource} for ${action}`);
    }
    for (const resource of statement.notResources ?? []) found.push(`NotResource::${resource}`);
    if (found.length > 0) {
      findings.push(...found);
      details.push(`${statementName(statement, index)}: ${found.join(', ')}`);
    }
  });
  return { findings, details };
}

/** AwsSolutions-IAM5: no wildcard actions or resources in identity policies. */
export const noWildcardPermissions: Rule = {
  id: 'AwsSolutions-IAM5',
  ruleSet: 'cdk-nag',
  title: 'IAM identity policies allow no wildcard ("*") actions or resources',
  resourceTypes: [...Object.keys(POLICY_ATTRIBUTE), 'aws_iam_role'],
  check: (resource, stack) => {
    const documents: PolicyDocument[] = [];
    if (resource.type === 'aws_iam_role') {
      const inline = blocks(resource.body.inline_policy).filter((p) => p.policy !== undefined);
      if (inline.length === 0) return undefined;
      inline.forEach((p, i) => documents.push(readPolicy(p.policy, stack, `inline_policy[${i}].policy`)));
    } else {
      documents.push(readPolicy(resource.body[POLICY_ATTRIBUTE[resource.type]], stack, POLICY_ATTRIBUTE[resource.type]));
    }
    const findings: string[] = [];
    const details: string[] = [];
    let allows = 0;
    for (const document of documents) {
      if (!document.ok) return fail(document.problem);
      allows += document.statements.filter((s) => s.effect === 'Allow').length;
      const found = wildcardFindings(document);
      findings.push(...found.findings);
      details.push(...found.details.map((d) => `${document.source} ${d}`));
    }
    return findings.length === 0 ? pass(`no wildcard in ${allows} Allow statements`) : fail(details.join('; '), findings);
  },
};

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** Whether a policy ARN (literal or a reference to `data.aws_iam_policy`/`aws_iam_policy`) is AWS managed. */
function awsManaged(value: Json | undefined, stack: StackView): 'yes' | 'no' | 'unknown' {
  if (typeof value !== 'string') return 'unknown';
  if (!value.includes('${')) return AWS_MANAGED.test(value) ? 'yes' : 'no';
  const targets = stack.referencedBy(value);
  if (targets.some((t) => t.mode === 'resource' && t.type === 'aws_iam_policy')) return 'no';
  const lookup = targets.find((t) => t.mode === 'data' && t.type === 'aws_iam_policy');
  if (lookup) {
    if (typeof lookup.body.arn === 'string') return AWS_MANAGED.test(lookup.body.arn) ? 'yes' : 'no';
    if (lookup.body.path_prefix === '/aws-service-role/' || lookup.body.path_prefix === '/service-role/') return 'yes';
  }
  return 'unknown';
}

const ATTACHMENTS: Record<string, { principal: string[]; arns: string }> = {
  aws_iam_role_policy_attachment: { principal: ['role'], arns: 'policy_arn' },
  aws_iam_user_policy_attachment: { principal: ['user'], arns: 'policy_arn' },
  aws_iam_group_policy_attachment: { principal: ['group'], arns: 'policy_arn' },
  aws_iam_policy_attachment: { principal: ['roles', 'users', 'groups'], arns: 'policy_arn' },
  aws_iam_role_policy_attachments_exclusive: { principal: ['role_name'], arns: 'policy_arns' },
};
const PRINCIPALS = ['aws_iam_role', 'aws_iam_user', 'aws_iam_group'];

function attachesTo(attachment: ResourceView, principal: ResourceView, stack: StackView): boolean {
  const spec = ATTACHMENTS[attachment.type];
  const name = principal.body.name;
  return spec.principal.some((attribute) => {
    const value = attachment.body[attribute];
    return stack.refersTo(value, principal) || (typeof name === 'string' && stringList(value).includes(name));
  });
}

function managedArns(attachment: ResourceView, stack: StackView): { managed: string[]; unknown: string[] } {
  const arns = stringList(attachment.body[ATTACHMENTS[attachment.type].arns]);
  return {
    managed: arns.filter((arn) => awsManaged(arn, stack) === 'yes'),
    unknown: arns.filter((arn) => awsManaged(arn, stack) === 'unknown'),
  };
}

/** AwsSolutions-IAM4: no AWS managed policies; permissions are written for the workload. */
export const noManagedPolicies: Rule = {
  id: 'AwsSolutions-IAM4',
  ruleSet: 'cdk-nag',
  title: 'IAM roles, users and groups have no AWS managed policies attached',
  resourceTypes: [...PRINCIPALS, ...Object.keys(ATTACHMENTS)],
  check: (resource, stack) => {
    let attachments: ResourceView[];
    const managed: string[] = [];
    const unknown: string[] = [];
    if (PRINCIPALS.includes(resource.type)) {
      attachments = Object.keys(ATTACHMENTS)
        .flatMap((type) => stack.ofType(type))
        .filter((a) => attachesTo(a, resource, stack));
      for (const arn of stringList(resource.body.managed_policy_arns)) {
        const kind = awsManaged(arn, stack);
        if (kind === 'yes') managed.push(`managed_policy_arns ${arn}`);
        if (kind === 'unknown') unknown.push(`managed_policy_arns ${arn}`);
      }
    } else {
      // Attachments to a principal of this stack are reported on that principal.
      const principals = PRINCIPALS.flatMap((type) => stack.ofType(type));
      if (principals.some((p) => attachesTo(resource, p, stack))) return undefined;
      attachments = [resource];
    }
    for (const attachment of attachments) {
      const found = managedArns(attachment, stack);
      managed.push(...found.managed.map((arn) => `${attachment.address} ${arn}`));
      unknown.push(...found.unknown.map((arn) => `${attachment.address} ${arn}`));
    }
    if (managed.length > 0) return fail(`AWS managed policies attached: ${managed.join(', ')}`);
    if (unknown.length > 0) return fail(`cannot tell whether these are AWS managed policies: ${unknown.join(', ')}`);
    return pass(
      attachments.length === 0 && PRINCIPALS.includes(resource.type)
        ? 'no managed policy attached'
        : `attachments ${attachments.map((a) => a.address).join(', ')} are customer managed`,
    );
  },
};

export const iamRules: Rule[] = [noWildcardPermissions, noManagedPolicies];

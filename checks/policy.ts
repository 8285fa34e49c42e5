/**
 * IAM policy documents as rules see them: one normalized statement list, whether the policy is an
 * inline JSON string (`jsonencode` / `JSON.stringify`) or a `data.aws_iam_policy_document`
 * referenced as `${data.aws_iam_policy_document.x.json}` (including its `source_policy_documents`
 * and `override_policy_documents`).
 */
import { blocks, isExpression, isObject, Json, JsonObject, parseReference, ResourceView, StackView, stringList } from './stack-view';

export interface Principal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser` or `*` */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly conditions: readonly Condition[];
}

export type PolicyDocument =
  | { readonly ok: true; readonly statements: readonly Statement[]; readonly source: string }
  | { readonly ok: false; readonly problem: string };

/** Reads the policy held by `value` (an attribute of `owner`, e.g. `policy`). */
export function readPolicy(value: Json | undefined, stack: StackView, attribute: string): PolicyDocument {
  if (value === undefined || value === null) return { ok: false, problem: `${attribute} is missing` };
  if (typeof value !== 'string') return { ok: false, problem: `${attribute} is not a string` };
  const address = documentAddress(value);
  if (address) {
    const document = stack.byAddress(address);
    if (!document) return { ok: false, problem: `${attribute} references ${address}, which is not in the stack` };
    return readPolicyDocumentData(document, stack, new Set());
  }
  // An inline JSON policy may hold references in its values (`"Resource": "${aws_x.y.arn}"`):
  // it still parses as JSON. Anything else (a variable, a function call) cannot be read here.
  try {
    return fromJson(JSON.parse(value), attribute);
  } catch {
    return {
      ok: false,
      problem: isExpression(value) ? `${attribute} is the expression ${shorten(value)}, which a static check cannot read` : `${attribute} is not valid JSON`,
    };
  }
}

/** `data.aws_iam_policy_document.x` when `value` is `${data.aws_iam_policy_document.x.json}` (or `.minified_json`). */
function documentAddress(value: string): string | undefined {
  const reference = parseReference(value.trim());
  const isDocument = reference?.kind === 'data' && reference.type === 'aws_iam_policy_document';
  return isDocument && (reference.attribute === 'json' || reference.attribute === 'minified_json') ? `data.${reference.type}.${reference.name}` : undefined;
}

function shorten(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

function fromJson(parsed: unknown, source: string): PolicyDocument {
  if (!isObject(parsed)) return { ok: false, problem: `${source} is not a JSON policy object` };
  const raw = parsed.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const statements: Statement[] = [];
  for (const item of list) {
    if (!isObject(item)) return { ok: false, problem: `${source} has a statement that is not an object` };
    statements.push({
      sid: typeof item.Sid === 'string' ? item.Sid : undefined,
      effect: item.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: stringList(item.Action),
      notActions: stringList(item.NotAction),
      resources: stringList(item.Resource),
      notResources: stringList(item.NotResource),
      principals: jsonPrincipals(item.Principal),
      notPrincipals: jsonPrincipals(item.NotPrincipal),
      conditions: jsonConditions(item.Condition),
    });
  }
  return { ok: true, statements, source };
}

function jsonPrincipals(value: Json | undefined): Principal[] {
  if (value === undefined) return [];
  if (value === '*') return [{ type: '*', identifiers: ['*'] }];
  if (!isObject(value)) return [];
  return Object.entries(value).map(([type, ids]) => ({ type, identifiers: stringList(ids) }));
}

function jsonConditions(value: Json | undefined): Condition[] {
  if (!isObject(value)) return [];
  const out: Condition[] = [];
  for (const [test, byVariable] of Object.entries(value)) {
    if (!isObject(byVariable)) continue;
    for (const [variable, values] of Object.entries(byVariable)) {
      out.push({ test, variable, values: stringList(values).concat(typeof values === 'boolean' ? [String(values)] : []) });
    }
  }
  return out;
}

/** The statements of a `data.aws_iam_policy_document`, with those of its source and override documents. */
export function readPolicyDocumentData(document: ResourceView, stack: StackView, seen: Set<string>): PolicyDocument {
  if (seen.has(document.address)) return { ok: false, problem: `${document.address} includes itself` };
  seen.add(document.address);
  const statements: Statement[] = [];
  for (const attribute of ['source_policy_documents', 'override_policy_documents'] as const) {
    for (const included of stringList(document.body[attribute])) {
      const address = documentAddress(included);
      const nested = address === undefined ? undefined : stack.byAddress(address);
      const result =
        address === undefined
          ? readPolicy(included, stack, `${document.address}.${attribute}`)
          : nested
            ? readPolicyDocumentData(nested, stack, seen)
            : ({ ok: false, problem: `${attribute} references ${address}, which is not in the stack` } as const);
      if (!result.ok) return result;
      statements.push(...result.statements);
    }
  }
  for (const block of blocks(document.body.statement)) statements.push(fromBlock(block));
  return { ok: true, statements, source: document.address };
}

function fromBlock(block: JsonObject): Statement {
  const principals = (value: Json | undefined): Principal[] =>
    blocks(value).map((p) => ({ type: typeof p.type === 'string' ? p.type : '', identifiers: stringList(p.identifiers) }));
  return {
    sid: typeof block.sid === 'string' ? block.sid : undefined,
    effect: block.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: stringList(block.actions),
    notActions: stringList(block.not_actions),
    resources: stringList(block.resources),
    notResources: stringList(block.not_resources),
    principals: principals(block.principals),
    notPrincipals: principals(block.not_principals),
    conditions: blocks(block.condition).map((c) => ({
      test: typeof c.test === 'string' ? c.test : '',
      variable: typeof c.variable === 'string' ? c.variable : '',
      values: stringList(c.values),
    })),
  };
}

/** `Sid` or the statement's position, for messages. */
export function statementName(statement: Statement, index: number): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement #${index + 1}`;
}

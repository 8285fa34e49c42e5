/**
 * IAM policy documents as rules (and the pull-request review) see them: one normalized statement
 * list, whether the policy is an inline JSON string (`jsonencode` / `JSON.stringify`), a JSON object,
 * a `data.aws_iam_policy_document` referenced as `${data.aws_iam_policy_document.x.json}` (or
 * `.minified_json`, including its `source_policy_documents` and `override_policy_documents`), or the
 * policy of an `aws_iam_policy` referenced as `${aws_iam_policy.x.policy}`.
 */
import { blocks, isExpression, isObject, Json, JsonObject, parseReference, ResourceView, StackView, stringList } from './stack-view';

export interface Principal {
  /**
   * `AWS`, `Service`, `Federated` or `CanonicalUser`. Anyone is `{ type: 'AWS', identifiers: ['*'] }`,
   * whether written `"Principal": "*"`, `{"AWS": "*"}` or as a `*` / `AWS` principals block.
   */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface Condition {
  readonly test: string;
  readonly variable: string;
  /** The values as strings: numbers and booleans are kept as `'3600'`, `'true'`. */
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** `NotAction` (`not_actions`); undefined when the statement has none. */
  readonly notActions: readonly string[] | undefined;
  readonly resources: readonly string[];
  /** `NotResource` (`not_resources`); undefined when the statement has none. */
  readonly notResources: readonly string[] | undefined;
  readonly principals: readonly Principal[];
  /** `NotPrincipal` (`not_principals`); undefined when the statement has none. */
  readonly notPrincipals: readonly Principal[] | undefined;
  readonly conditions: readonly Condition[];
}

export type PolicyDocument =
  { readonly ok: true; readonly statements: readonly Statement[]; readonly source: string } | { readonly ok: false; readonly problem: string };

/**
 * Reads the policy held by `value` (an attribute, e.g. `policy`): a JSON string or object, or a whole
 * reference to a policy document's `json` / `minified_json` or to an `aws_iam_policy`'s `policy`.
 * A policy without `Statement` has no statements; a lowercase `statement` key is not IAM JSON.
 */
export function readPolicy(value: Json | undefined, stack: StackView, attribute: string): PolicyDocument {
  return readPolicyValue(value, stack, attribute, new Set());
}

function readPolicyValue(value: Json | undefined, stack: StackView, attribute: string, seen: Set<string>): PolicyDocument {
  if (value === undefined || value === null) return { ok: false, problem: `${attribute} is missing` };
  if (isObject(value)) return fromJson(value, attribute);
  if (typeof value !== 'string') return { ok: false, problem: `${attribute} is not a string` };
  const address = documentAddress(value);
  if (address) {
    const document = stack.byAddress(address);
    if (!document) return { ok: false, problem: `${attribute} references ${address}, which is not in the stack` };
    return readPolicyDocumentData(document, stack, seen);
  }
  const policy = policyAddress(value);
  if (policy) {
    const resource = stack.byAddress(policy);
    if (!resource) return { ok: false, problem: `${attribute} references ${policy}, which is not in the stack` };
    if (seen.has(policy)) return { ok: false, problem: `${policy} includes itself` };
    seen.add(policy);
    return readPolicyValue(resource.body.policy, stack, `${policy}.policy`, seen);
  }
  // An inline JSON policy may hold references in its values (`"Resource": "${aws_x.y.arn}"`):
  // it still parses as JSON. Anything else (a variable, a function call) cannot be read here.
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return {
      ok: false,
      problem: isExpression(value) ? `${attribute} is the expression ${shorten(value)}, which a static check cannot read` : `${attribute} is not valid JSON`,
    };
  }
  return fromJson(parsed, attribute);
}

/** `aws_iam_policy.x` when `value` is `${aws_iam_policy.x.policy}`. */
function policyAddress(value: string): string | undefined {
  const reference = parseReference(value.trim());
  return reference?.kind === 'resource' && reference.type === 'aws_iam_policy' && reference.attribute === 'policy'
    ? `${reference.type}.${reference.name}`
    : undefined;
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
  if (raw === undefined && parsed.statement !== undefined) {
    return { ok: false, problem: `${source} has a "statement" key: IAM policy JSON keys are case-sensitive ("Statement")` };
  }
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const statements: Statement[] = [];
  for (const item of list) {
    if (!isObject(item)) return { ok: false, problem: `${source} has a statement that is not an object` };
    statements.push({
      sid: typeof item.Sid === 'string' ? item.Sid : undefined,
      effect: item.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: stringList(item.Action),
      notActions: optional(item.NotAction, stringList),
      resources: stringList(item.Resource),
      notResources: optional(item.NotResource, stringList),
      principals: jsonPrincipals(item.Principal),
      notPrincipals: optional(item.NotPrincipal, jsonPrincipals),
      conditions: jsonConditions(item.Condition),
    });
  }
  return { ok: true, statements, source };
}

function optional<T>(value: Json | undefined, read: (value: Json) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value);
}

/** `*` (anyone) is one principal however it is written: `"*"`, `{"AWS": "*"}`, a `*` or `AWS` block. */
function principal(type: string, identifiers: readonly string[]): Principal {
  return { type: type === '*' ? 'AWS' : type, identifiers };
}

function jsonPrincipals(value: Json | undefined): Principal[] {
  if (value === undefined) return [];
  if (value === '*') return [principal('*', ['*'])];
  if (!isObject(value)) return [];
  return Object.entries(value).map(([type, ids]) => principal(type, stringList(ids)));
}

/** Condition values as strings: numbers and booleans too (`3600` -> `'3600'`). */
function conditionValues(value: Json | undefined): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.flatMap((item) => (typeof item === 'string' ? [item] : typeof item === 'number' || typeof item === 'boolean' ? [String(item)] : []));
}

function jsonConditions(value: Json | undefined): Condition[] {
  if (!isObject(value)) return [];
  const out: Condition[] = [];
  for (const [test, byVariable] of Object.entries(value)) {
    if (!isObject(byVariable)) continue;
    for (const [variable, values] of Object.entries(byVariable)) {
      out.push({ test, variable, values: conditionValues(values) });
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
          ? readPolicyValue(included, stack, `${document.address}.${attribute}`, seen)
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
    blocks(value).map((p) => principal(typeof p.type === 'string' ? p.type : '', stringList(p.identifiers)));
  return {
    sid: typeof block.sid === 'string' ? block.sid : undefined,
    effect: block.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: stringList(block.actions),
    notActions: optional(block.not_actions, stringList),
    resources: stringList(block.resources),
    notResources: optional(block.not_resources, stringList),
    principals: principals(block.principals),
    notPrincipals: optional(block.not_principals, principals),
    conditions: blocks(block.condition).map((c) => ({
      test: typeof c.test === 'string' ? c.test : '',
      variable: typeof c.variable === 'string' ? c.variable : '',
      values: conditionValues(c.values),
    })),
  };
}

/** `Sid` or the statement's position, for messages. */
export function statementName(statement: Statement, index: number): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement #${index + 1}`;
}

/**
 * True when the statement denies every principal (`*`) the requests that are not over TLS
 * (`Bool` `aws:SecureTransport` = `false`), whichever actions and resources it names.
 */
export function deniesInsecureTransport(statement: Statement): boolean {
  return (
    statement.effect === 'Deny' &&
    statement.principals.some((p) => p.identifiers.includes('*')) &&
    statement.conditions.some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && c.values.includes('false'))
  );
}

/** True when one of the statement's `Action` patterns (`*` and `?` wildcards, any case) covers `action`. */
export function coversAction(statement: Statement, action: string): boolean {
  return statement.actions.some((pattern) => {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`, 'i').test(action);
  });
}

/**
 * A read-only view of a synthesized Terraform JSON configuration (`cdk.tf.json`, or any Terraform
 * JSON with `resource` / `data` blocks) that rules query: resources by address or type, which
 * resources reference which, and the suppressions recorded next to each resource.
 */

/** A suppression recorded under a resource's `"//".suppressions` (see constructs/internal/suppressions.ts). */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  readonly appliesTo?: readonly string[];
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One `resource` or `data` block. */
export interface ResourceView {
  readonly mode: 'resource' | 'data';
  /** e.g. `aws_s3_bucket` */
  readonly type: string;
  /** the Terraform name, e.g. `site_bucket_7B14A155` */
  readonly name: string;
  /** `aws_s3_bucket.site_bucket_7B14A155`, or `data.aws_iam_policy_document.x` */
  readonly address: string;
  /** The block's attributes (without the `"//"` comment block). */
  readonly body: JsonObject;
  /** The construct path cdktf recorded, when there is one. */
  readonly path?: string;
  readonly suppressions: readonly Suppression[];
  /**
   * The value at a dotted path, e.g. `viewer_certificate.minimum_protocol_version`. Nested blocks
   * may be written as an object or as a list of objects (both are valid Terraform JSON); a path step
   * through a list takes its first element.
   */
  get(path: string): Json | undefined;
}

export interface StackView {
  readonly resources: readonly ResourceView[];
  /** A resource (`type.name`) or data source (`data.type.name`) by address. */
  byAddress(address: string): ResourceView | undefined;
  /** Every resource of a type (data sources: pass `data.<type>`). */
  ofType(type: string): ResourceView[];
  /** The resources or data sources a value references (`${aws_x.name.attr}` expressions inside strings). */
  referencedBy(value: Json | undefined): ResourceView[];
  /** True when `value` holds a reference to `target` (any attribute of it). */
  refersTo(value: Json | undefined, target: ResourceView): boolean;
  /** Resources of `type` (or any type) with an attribute at `attributePath` that references `target`. */
  referencing(target: ResourceView, type?: string, attributePath?: string): ResourceView[];
}

const REFERENCE = /\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** The `${...}` expressions inside a string. */
export function expressionsIn(value: string): string[] {
  return value.match(/\$\{[^]*?\}/g) ?? [];
}

/** True when a string holds a Terraform expression (so its value is only known at apply). */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A string that is one whole reference, e.g. `${aws_iam_role.x.arn}` -> { kind, type, name, attribute }; else undefined. */
export function parseReference(value: unknown): { kind: 'resource' | 'data'; type: string; name: string; attribute: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_.[\]"]+)\}$/.exec(value);
  if (!match) return undefined;
  return { kind: match[1] ? 'data' : 'resource', type: match[2]!, name: match[3]!, attribute: match[4]! };
}

/** Blocks may be one object or a list of objects in Terraform JSON; this returns the list. */
export function blocks(value: Json | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter((item): item is JsonObject => isObject(item));
  return isObject(value) ? [value] : [];
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A string list attribute: a list of strings, or one string. */
export function stringList(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

export function getPath(body: Json | undefined, path: string): Json | undefined {
  let current: Json | undefined = body;
  for (const step of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (!isObject(current)) return undefined;
    current = current[step];
  }
  return current;
}

function readSuppressions(comment: Json | undefined): Suppression[] {
  const list = isObject(comment) ? comment.suppressions : undefined;
  if (!Array.isArray(list)) return [];
  const out: Suppression[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.ruleId !== 'string' || typeof item.reason !== 'string') continue;
    const appliesTo = Array.isArray(item.appliesTo) ? item.appliesTo.filter((x): x is string => typeof x === 'string') : undefined;
    out.push({ ruleId: item.ruleId, reason: item.reason, ...(appliesTo ? { appliesTo } : {}) });
  }
  return out;
}

/** Parses a Terraform JSON document (string or object) into a {@link StackView}. */
export function stackView(json: string | object): StackView {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isObject(doc)) throw new Error('checkStack: the stack JSON must be an object with "resource" and/or "data" blocks');
  const resources: ResourceView[] = [];
  const index = new Map<string, ResourceView>();
  for (const mode of ['resource', 'data'] as const) {
    const byType = doc[mode];
    if (!isObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) continue;
      for (const [name, raw] of Object.entries(byName)) {
        // A block may be an object or (rarely) a one-element list of objects.
        const block = blocks(raw)[0];
        if (!block) continue;
        const { ['//']: comment, ...body } = block;
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const metadataPath = getPath(comment, 'metadata.path');
        const view: ResourceView = {
          mode,
          type,
          name,
          address,
          body,
          path: typeof metadataPath === 'string' ? metadataPath : undefined,
          suppressions: readSuppressions(comment),
          get: (path) => getPath(body, path),
        };
        resources.push(view);
        index.set(address, view);
      }
    }
  }

  const referencedBy = (value: Json | undefined): ResourceView[] => {
    const found = new Map<string, ResourceView>();
    const visit = (item: Json | undefined): void => {
      if (typeof item === 'string') {
        for (const expression of expressionsIn(item)) {
          for (const match of expression.matchAll(REFERENCE)) {
            const address = `${match[1] ?? ''}${match[2]}.${match[3]}`;
            const target = index.get(address);
            if (target) found.set(address, target);
          }
        }
      } else if (Array.isArray(item)) {
        item.forEach(visit);
      } else if (isObject(item)) {
        Object.values(item).forEach(visit);
      }
    };
    visit(value);
    return [...found.values()];
  };
  const refersTo = (value: Json | undefined, target: ResourceView): boolean => referencedBy(value).includes(target);

  return {
    resources,
    byAddress: (address) => index.get(address),
    ofType: (type) =>
      type.startsWith('data.')
        ? resources.filter((r) => r.mode === 'data' && r.type === type.slice(5))
        : resources.filter((r) => r.mode === 'resource' && r.type === type),
    referencedBy,
    refersTo,
    referencing: (target, type, attributePath) =>
      resources.filter(
        (r) => r !== target && (type === undefined || r.type === type) && refersTo(attributePath === undefined ? r.body : r.get(attributePath), target),
      ),
  };
}

/** Reading a synthesized `cdk.tf.json`: resources by type, data sources, outputs. */

export type Block = Record<string, unknown>;

/** The parts of a synthesized Terraform JSON document the review reads. */
export interface TerraformDocument {
  readonly '//'?: { metadata?: { stackName?: string; version?: string }; outputs?: Record<string, unknown> };
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly terraform?: Block;
  readonly provider?: Record<string, Block[]>;
}

export interface TypeSummary {
  readonly type: string;
  readonly kind: 'resource' | 'data';
  readonly names: readonly string[];
  /** Names that expand to several instances (`count` / `for_each`). */
  readonly repeated: readonly string[];
}

export interface OutputSummary {
  readonly id: string;
  /** The construct path of the output (`contact/endpoint`), from cdktf's metadata, when known. */
  readonly path?: string;
  readonly description?: string;
  readonly value: string;
  readonly sensitive: boolean;
}

export function parseStack(json: string | object): TerraformDocument {
  const doc = typeof json === 'string' ? JSON.parse(json) : json;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('cdk.tf.json: expected a JSON object');
  return doc as TerraformDocument;
}

export function stackName(doc: TerraformDocument): string | undefined {
  return doc['//']?.metadata?.stackName;
}

/** Resources (then data sources) grouped by type, types and names sorted. */
export function resourcesByType(doc: TerraformDocument): TypeSummary[] {
  const summarize = (kind: 'resource' | 'data', blocks: TerraformDocument['resource']): TypeSummary[] =>
    Object.keys(blocks ?? {})
      .sort()
      .map((type) => {
        const byName = blocks![type]!;
        const names = Object.keys(byName).sort();
        return { type, kind, names, repeated: names.filter((name) => byName[name]?.count !== undefined || byName[name]?.for_each !== undefined) };
      });
  return [...summarize('resource', doc.resource), ...summarize('data', doc.data)];
}

export function outputsOf(doc: TerraformDocument): OutputSummary[] {
  const paths = new Map<string, string>();
  const walk = (node: unknown, path: string[]): void => {
    if (typeof node === 'string') paths.set(node, path.slice(1).join('/'));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
  };
  walk(doc['//']?.outputs, []);
  return Object.keys(doc.output ?? {})
    .sort()
    .map((id) => {
      const block = doc.output![id]!;
      return {
        id,
        path: paths.get(id) || undefined,
        description: typeof block.description === 'string' ? block.description : undefined,
        value: typeof block.value === 'string' ? block.value : JSON.stringify(block.value),
        sensitive: block.sensitive === true,
      };
    });
}

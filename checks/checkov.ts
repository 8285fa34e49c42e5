/**
 * checkov for a synthesized stack: a config file that skips exactly the checkov checks the
 * constructs suppress by design (each with its reasons and resources), and a copy of the stack that
 * checkov 3.3 can parse.
 *
 * checkov has no inline suppression for Terraform JSON (its issue #4634), so the suppressions we
 * record under each resource's `"//".suppressions` become `skip-check` entries. A checkov skip is
 * scoped to a check id and a file-path pattern, never to one resource: the config scopes each skip
 * to the one stack file it names, and lists the resources it was written for next to it.
 *
 * @example
 * const files = checkovFiles(readFileSync('cdktf.out/stacks/contact-site/cdk.tf.json', 'utf8'), { inputFile: 'contact-site.checkov.tf.json' });
 * writeFileSync('contact-site.checkov.tf.json', files.input);
 * writeFileSync('checkov.yaml', files.config);   // then: checkov --config-file checkov.yaml
 */
import { posix } from 'node:path';
import { isObject, stackView } from './stack-view';

/** A checkov check skipped for a stack, and why. */
export interface CheckovSkip {
  /** e.g. `CKV_AWS_117` */
  readonly checkId: string;
  /** The resources whose suppressions asked for it, with each one's reason. */
  readonly resources: readonly { readonly address: string; readonly reason: string }[];
}

/** What checkov needs to scan a stack with our suppressions. */
export interface CheckovFiles {
  /** The checkov config file (YAML): framework, file, and the `skip-check` list with reasons. */
  readonly config: string;
  /** The stack JSON to hand checkov (see {@link checkovInput}), to be written at `inputFile`. */
  readonly input: string;
  readonly skips: readonly CheckovSkip[];
}

/** Rule ids checkov knows: `CKV_AWS_*`, `CKV2_AWS_*` (cdk-nag and project rules are not checkov's). */
export function isCheckovId(ruleId: string): boolean {
  return /^CKV2?_[A-Z0-9]+_\d+$/.test(ruleId);
}

/**
 * Every checkov check suppressed on some resource of the stack, in check-id order, with the
 * resources (address order) and reasons. A suppression limited to some findings (`appliesTo`)
 * still skips the whole check: checkov cannot skip part of one.
 */
export function checkovSkips(json: string | object): CheckovSkip[] {
  const byCheck = new Map<string, { address: string; reason: string }[]>();
  for (const resource of stackView(json).resources) {
    for (const suppression of resource.suppressions) {
      if (!isCheckovId(suppression.ruleId)) continue;
      const list = byCheck.get(suppression.ruleId) ?? [];
      list.push({ address: resource.address, reason: suppression.reason });
      byCheck.set(suppression.ruleId, list);
    }
  }
  return [...byCheck.entries()]
    .sort(([a], [b]) => compareCheckIds(a, b))
    .map(([checkId, resources]) => ({ checkId, resources: resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)) }));
}

/**
 * The stack as checkov 3.3 can read it: the same JSON without `terraform.required_version`. checkov's
 * Terraform JSON parser stops at a string there (its issue #7454) and then reports no resources and
 * no failures, which reads as a pass. Nothing checkov checks is in that attribute.
 */
export function checkovInput(json: string | object): string {
  const doc: unknown = typeof json === 'string' ? JSON.parse(json) : structuredClone(json);
  if (!isObject(doc)) throw new Error('checkovInput: the stack JSON must be an object');
  const terraform = doc.terraform;
  if (isObject(terraform) && 'required_version' in terraform) delete terraform.required_version;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The config file and input copy for `checkov --config-file <config>`. `inputFile` is where the
 * caller writes {@link CheckovFiles.input}, as checkov will be given it (relative to the folder
 * checkov runs in, or absolute); each skip is scoped to a path ending in its file name.
 */
export function checkovFiles(json: string | object, options: { inputFile: string }): CheckovFiles {
  const inputFile = options.inputFile.split('\\').join('/');
  const fileName = posix.basename(inputFile);
  if (fileName === '' || !fileName.endsWith('.json')) throw new Error(`checkovFiles: inputFile must name a .json file (got "${options.inputFile}")`);
  const skips = checkovSkips(json);
  const scope = `(^|/)${escapeRegExp(fileName)}$`;
  const lines = [
    '# checkov config for one synthesized stack, written by cdktf-contact-site (npm run review -- --checkov-config).',
    '# Run: checkov --config-file <this file>   (from the folder it was written for: "file" below is relative to it)',
    `# ${skips.length === 0 ? 'No check is skipped: no resource of this stack suppresses a checkov check.' : 'Each skip is a check the constructs do not meet by design, with the reason recorded next to the resource.'}`,
    '# checkov scopes a skip to a check id and a file pattern, not to a resource: each is scoped to this stack file only.',
    'framework:',
    '  - terraform_json',
    'file:',
    `  - ${yamlString(inputFile)}`,
  ];
  if (skips.length > 0) {
    lines.push('skip-check:');
    for (const skip of skips) {
      for (const { address, reason } of skip.resources) lines.push(`  # ${skip.checkId} ${address}: ${oneLine(reason)}`);
      lines.push(`  - ${yamlString(`${skip.checkId}:${scope}`)}`);
    }
  }
  return { config: `${lines.join('\n')}\n`, input: checkovInput(json), skips };
}

function compareCheckIds(a: string, b: string): number {
  const key = (id: string): [string, number] => {
    const match = /^(.*_)(\d+)$/.exec(id);
    return match ? [match[1]!, Number(match[2])] : [id, 0];
  };
  const [pa, na] = key(a);
  const [pb, nb] = key(b);
  return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
function yamlString(text: string): string {
  return JSON.stringify(text);
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/** A synthesized stack: the JSON string the matchers take, and the parsed document. */
export interface Synthesized {
  readonly json: string;
  readonly doc: TerraformDocument;
}

export interface TerraformDocument {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, Record<string, any>>;
  provider?: Record<string, Record<string, any>[]>;
  terraform?: Record<string, any>;
}

/** Builds a stack with the default AWS provider in `region`, lets `build` add constructs, and synthesizes it. */
export function synthStack(build: (stack: TerraformStack) => void, region = 'eu-west-1'): Synthesized {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region });
  build(stack);
  const json = Testing.synth(stack);
  return { json, doc: JSON.parse(json) };
}

/** Every resource of a type, by its Terraform name. */
export function resourcesOf(doc: TerraformDocument, type: string): Record<string, Record<string, any>> {
  return doc.resource[type] ?? {};
}

/** The one resource of a type; fails when there are none or several. */
export function onlyResource(doc: TerraformDocument, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(doc, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** `${type}.${name}` of the one resource of a type, as Terraform references it. */
export function addressOf(doc: TerraformDocument, type: string, kind: 'resource' | 'data' = 'resource'): string {
  const names = Object.keys((kind === 'resource' ? doc.resource : (doc.data ?? {}))[type] ?? {});
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return kind === 'resource' ? `${type}.${names[0]}` : `data.${type}.${names[0]}`;
}

/** Writes `files` (path -> content) into a new temporary folder and returns it. */
export function makeSiteDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export const MINIMAL_SITE = { 'index.html': '<h1>home</h1>', '404.html': '<h1>missing</h1>' };

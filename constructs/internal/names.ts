import { createHash } from 'node:crypto';
import { Fn, Op, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { defaultAwsProvider } from './providers';

/** The region whose account-wide names carry no region part: the names made before names knew regions. */
export const UNNAMED_REGION = 'us-east-1';

// "-" and the longest region name (us-isof-south-1), kept free when the region is only known to Terraform.
const REGION_PART_ROOM = 16;

/**
 * A name for an object whose name is unique in the whole account (IAM role, CloudFront function, policy, OAC),
 * stable across synths: the readable construct path, cut to fit, plus a hash of the full path. The same stack
 * in two regions of one account must not share such a name, so outside us-east-1 the stack's region (its
 * default AWS provider's) is added after the readable part: `contact-site-contact-handler-eu-west-1-5b64942d`.
 * In us-east-1 the name is what it always was. When the region is a Terraform value (a variable, or no
 * `region` on the provider), the same rule is a Terraform expression, with room kept for the region.
 * `maxLength` is the service's limit; only `[A-Za-z0-9-_]` is kept.
 */
export function accountUniqueName(scope: IConstruct, suffix: string, maxLength = 64): string {
  const path = [...constructPath(scope), suffix];
  const region = stackRegion(scope);
  if (region === UNNAMED_REGION) return regionUniqueName(scope, suffix, maxLength);
  const hash = pathHash(path);
  const readable = readableName(path).slice(0, maxLength - hash.length - 1 - REGION_PART_ROOM);
  if (!Token.isUnresolved(region)) return `${readable}-${readableName([region])}-${hash}`;
  const regionPart: string = Fn.conditional(Op.eq(region, UNNAMED_REGION), '', `-${region}`);
  return `${readable}${regionPart}-${hash}`;
}

/**
 * A name for an object whose name is unique within a region (DynamoDB table, Lambda function, REST API):
 * the readable construct path, cut to fit, plus a hash of the full path.
 */
export function regionUniqueName(scope: IConstruct, suffix: string, maxLength = 64): string {
  const path = [...constructPath(scope), suffix];
  const hash = pathHash(path);
  return `${readableName(path).slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** The stack id and construct ids down to `scope`, as a readable name: `contact-site-site`. */
export function readableConstructPath(scope: IConstruct): string {
  return readableName(constructPath(scope));
}

/**
 * The region of the stack's default AWS provider: its `region` as written (a literal or a token), or, when
 * it has none (the provider then takes it from the environment), an `aws_region` data source of the stack.
 */
function stackRegion(scope: IConstruct): string {
  const region = defaultAwsProvider(scope)?.region;
  if (region !== undefined) return region;
  const stack = TerraformStack.of(scope);
  const id = 'account-unique-names-region';
  const data = (stack.node.tryFindChild(id) as DataAwsRegion | undefined) ?? new DataAwsRegion(stack, id);
  return data.region;
}

function constructPath(scope: IConstruct): string[] {
  const stack = TerraformStack.of(scope);
  return [stack.node.id, ...scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((s) => s.node.id)];
}

function pathHash(path: string[]): string {
  return createHash('sha256').update(path.join('/')).digest('hex').slice(0, 8);
}

function readableName(parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^A-Za-z0-9-_]/g, '-')
    .replace(/-+/g, '-');
}

/** Turns a DNS name into a construct id fragment: `www.example.com` -> `www-example-com`. */
export function dnsNameToId(name: string): string {
  return name.replace(/\*/g, 'wildcard').replace(/[^a-z0-9]+/gi, '-');
}

import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/**
 * The stack's default AWS provider (the `aws` provider without an alias), which every resource without
 * a `provider` uses; `undefined` when the stack has none (yet).
 */
export function defaultAwsProvider(scope: IConstruct): AwsProvider | undefined {
  const stack = TerraformStack.of(scope);
  const isDefaultAws = (c: IConstruct): c is AwsProvider =>
    TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'aws' && c.alias === undefined;
  // Providers are nearly always children of the stack; only look further down when not.
  return stack.node.children.find(isDefaultAws) ?? stack.node.findAll().find(isDefaultAws);
}

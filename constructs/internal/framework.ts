/**
 * The framework this entry point is built for, checked when it loads. The peer dependencies are optional
 * (one package serves cdktf and CDK Terrain), so a missing framework would otherwise surface as a bare
 * "Cannot find module". In lib/cdktn/ the build (scripts/build.ts, CDKTF_TO_CDKTN) rewrites the package
 * names and ENTRY_POINT below to CDK Terrain's, so the same check and message serve both entry points.
 */

/** The import specifier of this entry point. */
export const ENTRY_POINT = 'cdktf-contact-site';

/** What this entry point loads: the framework, the AWS provider classes and constructs. */
export const REQUIRED_PACKAGES: readonly string[] = ['cdktf', '@cdktf/provider-aws/lib/provider', 'constructs'];

/** The packages of REQUIRED_PACKAGES that `resolve` cannot find, by package name. */
export function missingPackages(resolve: (id: string) => string = require.resolve): string[] {
  return REQUIRED_PACKAGES.filter((id) => {
    try {
      resolve(id);
      return false;
    } catch {
      return true;
    }
  }).map((id) => id.replace(/\/lib\/.*$/, ''));
}

/** The error a missing framework gives: what is missing, and what to install for either framework. */
export function missingFrameworkMessage(missing: readonly string[]): string {
  return [
    `${ENTRY_POINT} cannot load: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed.`,
    `  With cdktf 0.21:       npm install cdktf@^0.21 @cdktf/provider-aws@^21 constructs@^10, and import from "cdktf-contact-site".`,
    `  With CDK Terrain 0.24: npm install cdktn@^0.24 @cdktn/provider-aws@^25 constructs@">=10.6 <10.8", and import from "cdktf-contact-site/cdktn".`,
  ].join('\n');
}

/** Throws missingFrameworkMessage when a required package is missing. */
export function assertFrameworkInstalled(resolve?: (id: string) => string): void {
  const missing = missingPackages(resolve);
  if (missing.length > 0) throw new Error(missingFrameworkMessage(missing));
}

assertFrameworkInstalled();

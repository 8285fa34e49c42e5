import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONSUMER_STACK, consumerEnv, packLibrary, writeConsumerProject } from './consumer';
import { cdktnNode } from '../../scripts/cdktn-node';
import { PROJECT_ROOT } from './project-copy';

/** CDK Terrain as a new project installs it (the README's "Using with CDK Terrain" names the same versions). */
export const CDKTN_PACKAGES = {
  cdktn: '0.24.0',
  'cdktn-cli': '0.24.0',
  '@cdktn/provider-aws': '25.7.0',
  constructs: '10.7.0',
} as const;

/** The AWS provider version @cdktn/provider-aws 25.7.0 is generated from (the stack pins it). */
export const CDKTN_AWS_PROVIDER_VERSION = '6.66.0';

/** CONSUMER_STACK as a cdktn project's TypeScript main.ts, importing the library's cdktn entry point. */
export const CDKTN_CONSUMER_APP = `import { App, TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { ApiGatewayRestApi } from '@cdktn/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayResource } from '@cdktn/provider-aws/lib/api-gateway-resource';
import { StaticSite, ContactApi, CorsPreflight } from 'cdktf-contact-site/cdktn';
${CONSUMER_STACK}`;

/** The compiler options of `cdktn init --template=typescript` (CommonJS, classic module resolution). */
const CDKTN_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    lib: ['es2018'],
    module: 'CommonJS',
    noEmitOnError: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    strict: true,
    target: 'ES2018',
    skipLibCheck: true,
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdktf.out'],
};

export interface CdktnConsumer {
  readonly dir: string;
  readonly stackDir: string;
  /** Runs `cdktn synth` again in the project. */
  synth(): void;
}

/** Installs this library's tarball and CDKTN_PACKAGES from npm into the project folder `dir`. */
function installCdktnProject(dir: string, tarball: string): void {
  const packages = Object.entries(CDKTN_PACKAGES).map(([name, version]) => `${name}@${version}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...packages], { cwd: dir, env: consumerEnv(), stdio: 'pipe' });
}

function writeCdktfJson(dir: string, app: string): void {
  const config = {
    language: 'typescript',
    app,
    projectId: 'cdktn-consumer',
    sendCrashReports: 'false',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify(config));
}

/** `cdktn synth` in `dir`. cdktn-cli runs on Node >= 22.19, and so does the app it starts (`node` from PATH). */
function cdktnSynth(dir: string, env: NodeJS.ProcessEnv = {}): void {
  const node = cdktnNode();
  const base = consumerEnv();
  const synthEnv = { ...base, ...env, PATH: `${dirname(node)}:${base.PATH ?? ''}` };
  execFileSync(node, [join(dir, 'node_modules', 'cdktn-cli', 'bundle', 'bin', 'cdktn'), 'synth'], { cwd: dir, env: synthEnv, stdio: 'pipe' });
}

/**
 * A fresh cdktn project in `work/cdktn-consumer`: this library's tarball and CDKTN_PACKAGES from npm, a
 * TypeScript main.ts compiled with the cdktn template's compiler options, synthesized by `cdktn synth`.
 */
export function packAndSynthCdktnConsumer(work: string, tarball: string = packLibrary(work)): CdktnConsumer {
  const dir = join(work, 'cdktn-consumer');
  writeConsumerProject(dir);
  writeFileSync(join(dir, 'main.ts'), CDKTN_CONSUMER_APP);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CDKTN_TEMPLATE_TSCONFIG, null, 2));
  writeCdktfJson(dir, 'node main.js');
  installCdktnProject(dir, tarball);
  // The project's own TypeScript would be `npm install typescript`; this repository's compiler is the same kind.
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, env: consumerEnv(), stdio: 'pipe' });
  const synth = () => cdktnSynth(dir);
  synth();
  return { dir, stackDir: join(dir, 'cdktf.out', 'stacks', 'consumer'), synth };
}

/**
 * The README's move from cdktf to CDK Terrain, applied to the example's main.ts: the framework, the provider
 * classes and the library's entry point change; nothing else does.
 */
export function migrateImportsToCdktn(source: string): string {
  return source
    .replace(/from 'cdktf';/g, "from 'cdktn';")
    .replace(/from '@cdktf\/provider-aws\/lib\//g, "from '@cdktn/provider-aws/lib/")
    .replace(/from '\.\/constructs';/g, "from 'cdktf-contact-site/cdktn';");
}

/**
 * The example app (main.ts and site/ of `exampleDir`, this repository or a copy) moved to a cdktn project in `work/cdktn-example`, imports migrated,
 * and synthesized by `cdktn synth` with `env` (run from source with this repository's tsx, as cdktf.json
 * runs it here). Returns the stack folder.
 */
export function synthExampleWithCdktn(work: string, exampleDir: string, env: NodeJS.ProcessEnv): string {
  const tarball = packLibrary(work);
  const dir = join(work, 'cdktn-example');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cdktn-example', version: '1.0.0', private: true }));
  writeFileSync(join(dir, 'main.ts'), migrateImportsToCdktn(readFileSync(join(exampleDir, 'main.ts'), 'utf8')));
  cpSync(join(exampleDir, 'site'), join(dir, 'site'), { recursive: true });
  writeCdktfJson(dir, `node --require ${require.resolve('tsx/cjs')} main.ts`);
  installCdktnProject(dir, tarball);
  cdktnSynth(dir, env);
  return join(dir, 'cdktf.out', 'stacks', 'contact-site');
}

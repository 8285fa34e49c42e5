import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/**
 * A fresh cdktn project in `work/cdktn-consumer`: this library's tarball and CDKTN_PACKAGES from npm, a
 * TypeScript main.ts compiled with the cdktn template's compiler options, synthesized by `cdktn synth`.
 */
export function packAndSynthCdktnConsumer(work: string): CdktnConsumer {
  const env = consumerEnv();
  const tarball = packLibrary(work);
  const dir = join(work, 'cdktn-consumer');
  writeConsumerProject(dir);
  writeFileSync(join(dir, 'main.ts'), CDKTN_CONSUMER_APP);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CDKTN_TEMPLATE_TSCONFIG, null, 2));
  writeFileSync(
    join(dir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: 'node main.js',
      projectId: 'cdktn-consumer',
      sendCrashReports: 'false',
      terraformProviders: [],
      terraformModules: [],
      context: {},
    }),
  );
  const packages = Object.entries(CDKTN_PACKAGES).map(([name, version]) => `${name}@${version}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...packages], { cwd: dir, env, stdio: 'pipe' });
  // The project's own TypeScript would be `npm install typescript`; this repository's compiler is the same kind.
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, env, stdio: 'pipe' });
  // cdktn-cli runs on Node >= 22.19, and so does the app it starts (`node main.js` from PATH).
  const node = cdktnNode();
  const synthEnv = { ...env, PATH: `${dirname(node)}:${env.PATH ?? ''}` };
  const synth = () => {
    execFileSync(node, [join(dir, 'node_modules', 'cdktn-cli', 'bundle', 'bin', 'cdktn'), 'synth'], { cwd: dir, env: synthEnv, stdio: 'pipe' });
  };
  synth();
  return { dir, stackDir: join(dir, 'cdktf.out', 'stacks', 'consumer'), synth };
}

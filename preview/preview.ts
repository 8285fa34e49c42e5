import { PreviewNotification, watchNewItems } from './notifications';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localHandlerEnvironment } from '../handlers/local-dynamodb';
import { APP_COMMAND, APP_NODE_ARGS } from '../scripts/app-command';
import { createApiGatewayHandler, type RequestLogEntry, type ThrottleLimits } from './api-gateway';
import { ensureTable, startDynamo } from './dynamo';
import { startFunction, type LocalFunction } from './lambda';
import { createLocalizer } from './localize';
import { closeServer, listen, type Listening } from './net';
import { createSiteHandler } from './site-server';
import { readStack, type StackModel } from './stack';

/**
 * `startPreview`: the example stack served locally from its synthesized `cdk.tf.json` and assets.
 * The site and the API listen on two ports of 127.0.0.1 (so the browser makes real cross-origin
 * requests, as in production), DynamoDB is an embedded dynalite, the handler runs from its zip.
 */
export interface PreviewOptions {
  /** The project (where main.ts and cdktf.json are). Default: this repository. */
  readonly projectDir?: string;
  /** cdktf output folder. Default `<projectDir>/cdktf.out`. */
  readonly outDir?: string;
  /** Default `contact-site`. */
  readonly stackName?: string;
  /** Synthesize first (cdktf.json's `app` command). Default true. */
  readonly synth?: boolean;
  /** 0 = any free port. Default 0. */
  readonly sitePort?: number;
  readonly apiPort?: number;
  /** Keep DynamoDB data on disk here; default in memory. */
  readonly dataDir?: string;
  /** Default: the stage's method settings; `null`: none. */
  readonly throttle?: ThrottleLimits | null;
  /** Local origins allowed to call the API, replacing the stack's site origins. Default `[siteUrl]`. */
  readonly allowedOrigins?: readonly string[];
  /** The gateway's payload limit; default API Gateway's 10 MB. */
  readonly maxPayloadBytes?: number;
  /** Each API request, once answered. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Each line the handler logs. */
  readonly onFunctionLog?: (line: string) => void;
  /** With a notifier in the stack (ContactApi's `notify`): each notification it would send for a new item (nothing is sent). */
  readonly onNotification?: (notification: PreviewNotification) => void;
}

export interface Preview {
  readonly siteUrl: string;
  /** The API's origin, `http://127.0.0.1:<port>`. */
  readonly apiUrl: string;
  /** The stage URL, `http://127.0.0.1:<port>/prod`. */
  readonly stageUrl: string;
  /** config.json's `contactEndpoint`. */
  readonly contactEndpoint: string;
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  /** A client of the local DynamoDB (fake credentials). */
  readonly dynamo: DynamoDBClient;
  readonly stack: StackModel;
  /** The synthesized stack folder served from. */
  readonly stackDir: string;
  /** The response headers policy's headers as served locally. */
  readonly siteHeaders: Readonly<Record<string, string>>;
  /** The same site on another port: an origin the API does NOT allow (unless listed in allowedOrigins). */
  serveSiteAt(port?: number): Promise<Listening>;
  setThrottle(limits: ThrottleLimits | null): void;
  setIntegrationFailure(failing: boolean): void;
  stop(): Promise<void>;
}

export const DEFAULT_STACK_NAME = 'contact-site';
const PROJECT_DIR = resolve(__dirname, '..');

/** Runs the example app like `cdktf synth` does, into `outDir`. */
export function synthesize(projectDir: string, outDir: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [...APP_NODE_ARGS],
      { cwd: projectDir, env: { ...process.env, CDKTF_OUTDIR: outDir }, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`preview: synthesis failed (${APP_COMMAND}):\n${stderr || error.message}`));
        else resolvePromise();
      },
    );
  });
}

export async function startPreview(options: PreviewOptions = {}): Promise<Preview> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const outDir = resolve(projectDir, options.outDir ?? 'cdktf.out');
  const stackDir = join(outDir, 'stacks', options.stackName ?? DEFAULT_STACK_NAME);
  if (options.synth ?? true) await synthesize(projectDir, outDir);
  const stack = readStack(stackDir);

  const cleanup: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    // Ports first: the localized values (CSP, config.json, allowed origins) name them.
    const siteServer = createServer();
    const site = await listen(siteServer, options.sitePort ?? 0, '127.0.0.1', 'site');
    cleanup.push(site.stop);
    const apiServer = createServer();
    const api = await listen(apiServer, options.apiPort ?? 0, '127.0.0.1', 'API');
    cleanup.push(api.stop);

    const localizer = createLocalizer(stack, { siteOrigin: site.url, apiOrigin: api.url, allowedOrigins: options.allowedOrigins });

    const dynamo = await startDynamo({ dataDir: options.dataDir });
    cleanup.push(dynamo.stop);
    await ensureTable(dynamo.client, stack.table);

    const functions = new Map<string, LocalFunction>();
    for (const fn of stack.functions.values()) {
      // The notifier publishes to a topic that does not exist here: watchNewItems shows what it would send.
      if (fn.address === stack.notifierAddress) continue;
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(fn.environment)) environment[name] = localizer.localize(value, `${fn.address} ${name}`);
      const local = localHandlerEnvironment(
        dynamo.endpoint,
        environment.TABLE_NAME ?? stack.table.name,
        environment.ALLOWED_ORIGINS ?? localizer.allowedOrigins.join(','),
      );
      const started = startFunction({
        zipPath: fn.zipPath,
        handler: fn.handler,
        environment: {
          ...environment,
          ...local,
          AWS_REGION: stack.region,
          AWS_DEFAULT_REGION: stack.region,
          AWS_LAMBDA_FUNCTION_NAME: fn.address.split('.')[1]!,
        },
        timeoutSeconds: fn.timeoutSeconds,
        onLog: options.onFunctionLog,
      });
      functions.set(fn.address, started);
      cleanup.push(started.stop);
    }

    const onNotification = options.onNotification;
    const notifications = stack.notifierAddress && onNotification ? watchNewItems(dynamo.client, stack.table.name, onNotification) : undefined;
    const siteHandler = createSiteHandler({ stack, localizer });
    siteServer.on('request', siteHandler.handle);
    const gateway = createApiGatewayHandler({
      api: stack.api,
      localizer,
      functions,
      throttle: options.throttle,
      maxPayloadBytes: options.maxPayloadBytes,
      onRequest: (entry) => {
        options.onRequest?.(entry);
        void notifications?.check();
      },
    });
    apiServer.on('request', gateway.handle);

    const extraSites: Server[] = [];
    return {
      siteUrl: site.url,
      apiUrl: api.url,
      stageUrl: `${api.url}/${stack.api.stageName}`,
      contactEndpoint: siteHandler.config.contactEndpoint ?? '',
      tableName: stack.table.name,
      dynamoEndpoint: dynamo.endpoint,
      dynamo: dynamo.client,
      stack,
      stackDir,
      siteHeaders: siteHandler.headers,
      async serveSiteAt(port = 0) {
        const server = createServer(siteHandler.handle);
        extraSites.push(server);
        return listen(server, port, '127.0.0.1', 'second site');
      },
      setThrottle: gateway.setThrottle,
      setIntegrationFailure: gateway.setIntegrationFailure,
      async stop() {
        await Promise.all(extraSites.splice(0).map(closeServer));
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

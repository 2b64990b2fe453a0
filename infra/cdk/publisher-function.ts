import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel as EsbuildLogLevel,
  NodejsFunction,
  OutputFormat,
  type BundlingOptions,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import type { ArticleTable, TableAccess } from './article-table.js';

/** The repository root: NodejsFunction's `projectRoot`, and what handler entries are relative to. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPS_LOCK_FILE = path.join(REPO_ROOT, 'package-lock.json');

/** Newest Node.js runtime aws-cdk-lib 2.276 knows (cdk-nag AwsSolutions-L1 wants the newest). */
export const PUBLISHER_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const PUBLISHER_ARCHITECTURE = lambda.Architecture.ARM_64;
/** esbuild target matching PUBLISHER_RUNTIME. */
export const ESBUILD_TARGET = 'node24';

/** Lets bundled CommonJS dependencies call `require` from inside an ES module. */
export const CREATE_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * What the Lambda Node.js runtime ships: the AWS SDK v3 and its Smithy core. CDK leaves these out
 * of bundles by default; we bundle them (PUBLISHER_EXTERNAL_MODULES), and the benchmark keeps this
 * list to compare both ways.
 */
export const RUNTIME_PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/**
 * Nothing is left out of the bundles, the AWS SDK included. Measured (`npm run bench`, cold
 * start): one tree-shaken file starts faster than the runtime's copy of the SDK loaded from
 * hundreds of files (ingest 240 vs 334 ms to import and serve a first request, publish-due 165 vs
 * 233 ms, regenerate 711 vs 846 ms), every bundle stays under 1 MB, and the SDK version that runs
 * is the one the tests ran with.
 */
export const PUBLISHER_EXTERNAL_MODULES: readonly string[] = [];

/** How every handler is bundled: locally installed esbuild (no Docker), minified ESM with source maps. */
export const PUBLISHER_BUNDLING: Readonly<BundlingOptions> = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  banner: CREATE_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  // Stack traces only need the mappings; leaving the sources out keeps the deployment package small.
  sourcesContent: false,
  externalModules: [...PUBLISHER_EXTERNAL_MODULES],
  forceDockerBundling: false,
  // Keeps `cdk synth` quiet: esbuild only speaks up about problems.
  logLevel: EsbuildLogLevel.WARNING,
};

/**
 * The same options as PUBLISHER_BUNDLING, for calling esbuild directly (the bundle-size benchmark).
 * CDK writes ESM bundles as `index.mjs`; pass an `outfile` with that name to get identical output.
 */
export function publisherEsbuildOptions(
  entry: string,
  outfile: string,
  externalModules: readonly string[] = PUBLISHER_EXTERNAL_MODULES,
): BuildOptions {
  return {
    entryPoints: [path.resolve(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'esm',
    mainFields: PUBLISHER_BUNDLING.mainFields ? [...PUBLISHER_BUNDLING.mainFields] : [],
    banner: { js: CREATE_REQUIRE_BANNER },
    minify: PUBLISHER_BUNDLING.minify ?? false,
    sourcemap: PUBLISHER_BUNDLING.sourceMap ?? false,
    sourcesContent: PUBLISHER_BUNDLING.sourcesContent ?? true,
    external: [...externalModules],
    absWorkingDir: REPO_ROOT,
    logLevel: 'warning',
  };
}

/**
 * Memory of a function unless it says otherwise. Lambda gives CPU in proportion to memory (one
 * vCPU at LAMBDA_MB_PER_VCPU), so this is also ~0.29 of a vCPU: enough for functions that mostly
 * wait on DynamoDB (ingest, the sweep).
 */
export const DEFAULT_MEMORY_MB = 512;

/** The memory at which Lambda gives a function the equivalent of one full vCPU. */
export const LAMBDA_MB_PER_VCPU = 1_769;

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface PublisherFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role' | 'projectRoot' | 'depsLockFilePath'
  > {
  /** Handler module, relative to the repository root (it must export `handler`). */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`. @default 'newsroom-feeds' */
  readonly serviceName?: string;
  /** `LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Overrides PUBLISHER_EXTERNAL_MODULES (e.g. RUNTIME_PROVIDED_MODULES to use the runtime's AWS SDK). */
  readonly externalModules?: string[];
  /** Shell commands, run after esbuild, that put more files beside the bundle (`outputDir`). */
  readonly afterBundling?: (outputDir: string) => string[];
}

/**
 * A Lambda function built the one way this project builds functions: Node.js on arm64, an ESM
 * bundle made by the local esbuild, source maps on, its own log group with a retention, and its own
 * role that may write only to that log group (no AWSLambdaBasicExecutionRole, which grants
 * `logs:*` on every log group). Everything else a function may do is granted explicitly.
 *
 * Like Powertools' `FunctionWithLogGroup`, the log group (and here the role) are created in the
 * parent scope, because they must exist before the function's constructor runs.
 */
export class PublisherFunction extends NodejsFunction {
  readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PublisherFunctionProps) {
    const { entry, serviceName, logLevel, logRetention, logRemovalPolicy, externalModules, environment, afterBundling, ...rest } = props;

    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${scope.node.id}/${id} function`,
    });
    // CreateLogGroup is not needed: the group exists before the function.
    logGroup.grantWrite(role);

    super(scope, id, {
      memorySize: DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(10),
      ...rest,
      entry: path.resolve(REPO_ROOT, entry),
      handler: 'handler',
      runtime: PUBLISHER_RUNTIME,
      architecture: PUBLISHER_ARCHITECTURE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      bundling: {
        ...PUBLISHER_BUNDLING,
        ...(externalModules ? { externalModules: [...externalModules] } : {}),
        ...(afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, output: string) => afterBundling(output),
              },
            }
          : {}),
      },
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName ?? 'newsroom-feeds',
        LOG_LEVEL: logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
    });
    this.functionLogGroup = logGroup;
  }

  /** Tells the handler which table to use (`TABLE_NAME`) and grants exactly `access` on it. */
  bindTable(table: ArticleTable, access: TableAccess): void {
    this.addEnvironment('TABLE_NAME', table.table.tableName);
    table.grantAccess(this, access);
  }
}

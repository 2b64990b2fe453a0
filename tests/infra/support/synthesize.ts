import { readFileSync } from 'node:fs';
import { App, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { FeedPublisherStack, type FeedPublisherStackProps } from '../../../infra/cdk/feed-publisher-stack.js';

/** The context `cdk synth` runs with (feature flags included), so tests see the same template. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** Skips asset bundling for every stack: handlers are not built (the bundling test builds them). */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export interface TestAppOptions {
  readonly context?: Record<string, unknown>;
  /** @default false: bundling is skipped */
  readonly bundling?: boolean;
  /** CDK's built-in CloudFormation validation costs ~7 s per synthesis. @default false */
  readonly builtinValidation?: boolean;
  readonly outdir?: string;
}

export function createTestApp(options: TestAppOptions = {}): App {
  const props: AppProps = {
    context: { ...CDK_JSON_CONTEXT, ...(options.bundling ? {} : SKIP_BUNDLING), ...options.context },
    builtinCloudFormationValidation: options.builtinValidation ?? false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  return new App(props);
}

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: FeedPublisherStack;
  readonly template: Template;
}

/** One synthesis of the whole stack; call it once per test file, in beforeAll. */
export function synthesizeStack(props: FeedPublisherStackProps = {}, options: TestAppOptions = {}): SynthesizedStack {
  const app = createTestApp(options);
  const stack = new FeedPublisherStack(app, 'TestFeeds', props);
  return { app, stack, template: Template.fromStack(stack) };
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
}

type PolicyResource = {
  Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } };
};

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every policy attached to the role, with Action and Resource as arrays. */
export function statementsOf(synth: SynthesizedStack, role: iam.IRole): Statement[] {
  const roleId = synth.stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  const policies = synth.template.findResources('AWS::IAM::Policy') as Record<string, PolicyResource>;
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles ?? []).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .map((statement) => ({
      Effect: String(statement.Effect),
      Action: asArray(statement.Action).map(String),
      Resource: asArray(statement.Resource),
      ...(statement.Condition ? { Condition: statement.Condition } : {}),
    }));
}

/** The sorted, de-duplicated set of actions the role is allowed. */
export function allowedActions(synth: SynthesizedStack, role: iam.IRole): string[] {
  const actions = statementsOf(synth, role)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => statement.Action);
  return [...new Set(actions)].sort();
}

/** The resources the role may apply `action` to. */
export function resourcesFor(synth: SynthesizedStack, role: iam.IRole, action: string): unknown[] {
  return statementsOf(synth, role)
    .filter((statement) => statement.Effect === 'Allow' && statement.Action.includes(action))
    .flatMap((statement) => statement.Resource);
}

/** `{ "Fn::GetAtt": [logicalId, attribute] }` for a construct's default CloudFormation resource. */
export function getAtt(synth: SynthesizedStack, construct: { node: { defaultChild?: unknown } }, attribute: string): unknown {
  const resource = construct.node.defaultChild as Parameters<FeedPublisherStack['getLogicalId']>[0];
  return { 'Fn::GetAtt': [synth.stack.getLogicalId(resource), attribute] };
}

export function ref(synth: SynthesizedStack, construct: { node: { defaultChild?: unknown } }): unknown {
  const resource = construct.node.defaultChild as Parameters<FeedPublisherStack['getLogicalId']>[0];
  return { Ref: synth.stack.getLogicalId(resource) };
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** The template entry of a construct's default CloudFormation resource. */
export function resourceOf(synth: SynthesizedStack, construct: { node: { defaultChild?: unknown } }): TemplateResource {
  const resource = construct.node.defaultChild as Parameters<FeedPublisherStack['getLogicalId']>[0];
  const logicalId = synth.stack.getLogicalId(resource);
  const resources = (synth.template.toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
  const found = resources[logicalId];
  if (!found) throw new Error(`No resource ${logicalId} in the template`);
  return found;
}

/** A function's environment variables as synthesized. */
export function environmentOf(synth: SynthesizedStack, fn: { node: { defaultChild?: unknown } }): Record<string, unknown> {
  const environment = resourceOf(synth, fn).Properties.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

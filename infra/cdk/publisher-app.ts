import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FeedPublisherStack } from './feed-publisher-stack.js';
import { readPublisherContext } from './publisher-context.js';

/**
 * Adds the feed publisher to an app, as `cdk synth` builds it: one environment-agnostic stack
 * (synthesis needs no credentials and makes no account or region lookups), checked by cdk-nag.
 */
export function addFeedPublisher(app: App): FeedPublisherStack {
  const { stackName, props } = readPublisherContext(app.node);
  const stack = new FeedPublisherStack(app, stackName, props);
  // cdk-nag 3 runs as a policy validation plugin: an unacknowledged finding fails synthesis.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

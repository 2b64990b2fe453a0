import { RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { DEFAULT_FRESHNESS, EDGE_SECONDS_RANGE } from '../../functions/domain/edge-cache.js';
import type { FeedPublisherStackProps } from './feed-publisher-stack.js';
import type { LogLevel } from './publisher-function.js';

export const DEFAULT_STACK_NAME = 'NewsroomFeeds';

export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
}

/** What the app reads from CDK context (`cdk.json` or `-c key=value`). */
export interface PublisherContext {
  readonly stackName: string;
  readonly props: FeedPublisherStackProps;
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new InvalidContextError(`Context "${key}" must be a string`);
  return value.trim() || undefined;
}

function flag(node: Node, key: string, fallback: boolean): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidContextError(`Context "${key}" must be true or false`);
}

/** A list given as a JSON array (cdk.json) or as a comma-separated string (`-c websubHubs=a,b`). */
function list(node: Node, key: string): string[] {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items?.every((item): item is string => typeof item === 'string')) {
    throw new InvalidContextError(`Context "${key}" must be a list of strings or a comma-separated string`);
  }
  return items.map((item) => item.trim()).filter(Boolean);
}

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Reads and validates the deployment options, failing synthesis with a message naming the key. */
export function readPublisherContext(node: Node): PublisherContext {
  const domainName = text(node, 'domainName');
  const certificateArn = text(node, 'certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new InvalidContextError('Context "domainName" and "certificateArn" must be given together');
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new InvalidContextError('Context "certificateArn" must be an ACM certificate ARN in us-east-1 (CloudFront requires it)');
  }

  const websubHubs = list(node, 'websubHubs');
  for (const hub of websubHubs) {
    if (!/^https?:\/\/[^\s,]+$/.test(hub)) throw new InvalidContextError(`Context "websubHubs": not a URL: ${hub}`);
  }

  const removal = text(node, 'removalPolicy')?.toLowerCase() ?? 'retain';
  if (removal !== 'retain' && removal !== 'destroy') {
    throw new InvalidContextError('Context "removalPolicy" must be "retain" or "destroy"');
  }

  const logLevel = text(node, 'logLevel')?.toUpperCase();
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new InvalidContextError(`Context "logLevel" must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const alarmEmail = text(node, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new InvalidContextError('Context "alarmEmail" must be an email address');
  }

  const edge = text(node, 'feedEdgeSeconds');
  const edgeSeconds = edge === undefined ? DEFAULT_FRESHNESS.edgeSeconds : Number(edge);
  if (!Number.isInteger(edgeSeconds) || edgeSeconds < EDGE_SECONDS_RANGE.min || edgeSeconds > EDGE_SECONDS_RANGE.max) {
    throw new InvalidContextError(
      `Context "feedEdgeSeconds" must be a whole number of seconds from ${EDGE_SECONDS_RANGE.min} to ${EDGE_SECONDS_RANGE.max}`,
    );
  }
  const freshness = { edgeSeconds, invalidateFeeds: flag(node, 'invalidateFeeds', DEFAULT_FRESHNESS.invalidateFeeds) };

  return {
    stackName: text(node, 'stackName') ?? DEFAULT_STACK_NAME,
    props: {
      ...(domainName && certificateArn ? { customDomain: { domainName, certificateArn } } : {}),
      ...(alarmEmail ? { alarmEmail } : {}),
      websubHubs,
      deletionProtection: flag(node, 'deletionProtection', true),
      dataRemovalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      ...(logLevel ? { logLevel: logLevel as LogLevel } : {}),
      freshness,
    },
  };
}

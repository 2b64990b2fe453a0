import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, Validations, type PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FeedPublisherStack, type FeedPublisherStackProps } from '../../infra/cdk/feed-publisher-stack.js';
import { addFeedPublisher } from '../../infra/cdk/publisher-app.js';
import { createTestApp } from './support/synthesize.js';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge()` recorded in the tree, where it was made. */
function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

function nagViolations(app: App): PolicyViolation[] {
  return [...new AwsSolutionsChecks(app).validateScope(app).violations];
}

const describeViolations = (violations: readonly PolicyViolation[]) =>
  violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

const VARIANTS: [string, FeedPublisherStackProps][] = [
  ['default domain', {}],
  [
    'custom domain, alarm email and WebSub hubs',
    {
      customDomain: {
        domainName: 'feeds.example.org',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      },
      alarmEmail: 'desk@example.org',
      websubHubs: ['https://hub.example.org/'],
    },
  ],
];

describe.each(VARIANTS)('cdk-nag AwsSolutions (%s)', (_name, props) => {
  let app: App;
  let violations: PolicyViolation[];
  let acknowledgements: Acknowledgement[];
  let findingsWithoutAcknowledgements: PolicyViolation[];

  beforeAll(() => {
    // Prepare
    app = createTestApp();
    new FeedPublisherStack(app, 'NagFeeds', props);
    app.synth();
    const unacknowledged = createTestApp();
    const acknowledge = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      new FeedPublisherStack(unacknowledged, 'NagFeeds', props);
      unacknowledged.synth();
    } finally {
      acknowledge.mockRestore();
    }

    // Act
    violations = nagViolations(app);
    acknowledgements = acknowledgementsIn(app);
    findingsWithoutAcknowledgements = nagViolations(unacknowledged);
  }, 60_000);

  it('leaves no finding unacknowledged', () => {
    // Assess
    expect(describeViolations(violations)).toEqual([]);
  });

  it('gives every acknowledgement a one-line reason a reviewer can check', () => {
    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect(reason, id).not.toMatch(/\n/);
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges only findings that exist, on the construct they concern (none stale, none stack-wide)', () => {
    // Assess
    for (const ack of acknowledgements) {
      const finding = findingsWithoutAcknowledgements.find(
        (violation) =>
          violation.ruleName === ack.id &&
          violation.violatingResources.some((resource) => resource.constructPath?.startsWith(`${ack.path}/`)),
      );
      expect(finding, `${ack.id} at ${ack.path}`).toBeDefined();
      expect(ack.path.split('/').length, `${ack.id} is acknowledged too high up`).toBeGreaterThan(2);
    }
  });
});

describe('cdk-nag in the app', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'feeds-nag-'));
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('runs as a validation plugin when the app synthesizes, with CDK’s own template checks, and passes', () => {
    // Prepare
    const app = createTestApp({ outdir, builtinValidation: true });
    addFeedPublisher(app);

    // Act
    const synthesize = () => app.synth();

    // Assess: a failed validation throws with the report; a passing one writes an empty report.
    expect(synthesize).not.toThrow();
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  }, 60_000);

  it('fails synthesis on an unacknowledged finding', () => {
    // Prepare
    const app = createTestApp({ outdir: mkdtempSync(path.join(outdir, 'unacknowledged-')) });
    const acknowledge = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      addFeedPublisher(app);
    } finally {
      acknowledge.mockRestore();
    }

    // Act
    const synthesize = () => app.synth();

    // Assess
    expect(synthesize).toThrow(/AwsSolutions-CFR1/);
  }, 60_000);
});

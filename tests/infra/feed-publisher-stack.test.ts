import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME, InvalidContextError, readPublisherContext } from '../../infra/cdk/publisher-context.js';
import { createTestApp, getAtt, ref, synthesizeStack, type SynthesizedStack } from './support/synthesize.js';

type PolicyDocument = { Statement: { Effect: string; Action: string | string[] }[] };

describe('Stack: FeedPublisherStack', () => {
  let synth: SynthesizedStack;

  beforeAll(() => {
    synth = synthesizeStack();
  }, 60_000);

  it('grants no identity a wildcard action, and nothing may Scan the table', () => {
    // Prepare
    const documents: PolicyDocument[] = [
      ...Object.values(synth.template.findResources('AWS::IAM::Policy')).map(
        (policy) => (policy as { Properties: { PolicyDocument: PolicyDocument } }).Properties.PolicyDocument,
      ),
      ...Object.values(synth.template.findResources('AWS::IAM::Role')).flatMap((role) =>
        ((role as { Properties: { Policies?: { PolicyDocument: PolicyDocument }[] } }).Properties.Policies ?? []).map(
          (policy) => policy.PolicyDocument,
        ),
      ),
    ];

    // Act
    const allowed = documents
      .flatMap((document) => document.Statement)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat());

    // Assess
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.filter((action) => action.includes('*'))).toEqual([]);
    expect(allowed).not.toContain('dynamodb:Scan');
  });

  it('attaches no managed policy to any role', () => {
    // Assess
    for (const role of Object.values(synth.template.findResources('AWS::IAM::Role'))) {
      expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('is environment-agnostic and needs no context lookups', () => {
    // Act
    const assembly = synth.app.synth();

    // Assess
    expect(Token.isUnresolved(synth.stack.account)).toBe(true);
    expect(Token.isUnresolved(synth.stack.region)).toBe(true);
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  it('outputs the feed URLs, the ingest URL and the token secret name', () => {
    // Prepare
    const site = ['https://', getAtt(synth, synth.stack.feedDistribution.distribution, 'DomainName')];

    // Assess
    synth.template.hasOutput('SiteBaseUrl', { Value: { 'Fn::Join': ['', site] } });
    synth.template.hasOutput('RssFeedUrl', { Value: { 'Fn::Join': ['', [...site, '/feed.xml']] } });
    synth.template.hasOutput('AtomFeedUrl', { Value: { 'Fn::Join': ['', [...site, '/atom.xml']] } });
    synth.template.hasOutput('JsonFeedUrl', { Value: { 'Fn::Join': ['', [...site, '/feed.json']] } });
    synth.template.hasOutput('IngestApiUrl', { Value: getAtt(synth, synth.stack.ingestApi.httpApi, 'ApiEndpoint') });
    synth.template.hasOutput('IngestTokensSecretName', {
      Value: synth.stack.resolve(synth.stack.ingestApi.tokensSecret.secretName),
    });
    synth.template.hasOutput('DistributionId', { Value: ref(synth, synth.stack.feedDistribution.distribution) });
  });
});

describe('App context', () => {
  const read = (context: Record<string, unknown>) => readPublisherContext(createTestApp({ context }).node);

  it('defaults to a protected, retained production stack', () => {
    // Act
    const { stackName, props } = read({});

    // Assess
    expect(stackName).toBe(DEFAULT_STACK_NAME);
    expect(props).toEqual({
      websubHubs: [],
      deletionProtection: true,
      dataRemovalPolicy: RemovalPolicy.RETAIN,
      freshness: { edgeSeconds: 5, invalidateFeeds: false },
    });
  });

  it('reads every option, from strings as given with -c on the command line', () => {
    // Act
    const { stackName, props } = read({
      stackName: 'FeedsStaging',
      domainName: 'feeds.example.org',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      alarmEmail: 'desk@example.org',
      websubHubs: 'https://hub.example.org/, https://pubsubhubbub.appspot.com/',
      deletionProtection: 'false',
      removalPolicy: 'destroy',
      logLevel: 'debug',
      feedEdgeSeconds: '10',
      invalidateFeeds: 'true',
    });

    // Assess
    expect(stackName).toBe('FeedsStaging');
    expect(props).toEqual({
      customDomain: {
        domainName: 'feeds.example.org',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      },
      alarmEmail: 'desk@example.org',
      websubHubs: ['https://hub.example.org/', 'https://pubsubhubbub.appspot.com/'],
      deletionProtection: false,
      dataRemovalPolicy: RemovalPolicy.DESTROY,
      logLevel: 'DEBUG',
      freshness: { edgeSeconds: 10, invalidateFeeds: true },
    });
  });

  it('accepts WebSub hubs as a JSON list (cdk.json)', () => {
    // Act
    const { props } = read({ websubHubs: ['https://hub.example.org/'] });

    // Assess
    expect(props.websubHubs).toEqual(['https://hub.example.org/']);
  });

  it.each([
    [{ domainName: 'feeds.example.org' }, /given together/],
    [{ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /given together/],
    [{ feedEdgeSeconds: 'soon' }, /feedEdgeSeconds/],
    [{ invalidateFeeds: 'sometimes' }, /invalidateFeeds/],
    [{ domainName: 'feeds.example.org', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }, /us-east-1/],
    [{ websubHubs: 'not a url' }, /websubHubs/],
    [{ removalPolicy: 'snapshot' }, /removalPolicy/],
    [{ deletionProtection: 'maybe' }, /deletionProtection/],
    [{ logLevel: 'LOUD' }, /logLevel/],
    [{ alarmEmail: 'desk' }, /alarmEmail/],
  ])('rejects %j', (context, message) => {
    // Act
    const act = () => read(context);

    // Assess
    expect(act).toThrow(InvalidContextError);
    expect(act).toThrow(message);
  });
});

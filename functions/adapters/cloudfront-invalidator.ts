import { randomUUID } from 'node:crypto';
import { CreateInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { CdnInvalidator } from '../use-cases/ports.js';

/** Invalidates exactly the rewritten files in the distribution in front of the feed bucket. */
export class CloudFrontInvalidator implements CdnInvalidator {
  constructor(
    private readonly client: CloudFrontClient,
    private readonly distributionId: string,
  ) {}

  async invalidate(keys: string[]): Promise<void> {
    const paths = [...new Set(keys)].map((key) => `/${key.split('/').map(encodeURIComponent).join('/')}`);
    // One reference per invalidation: the SDK's retries of this call reuse it, so CloudFront creates
    // the invalidation once, while two regenerations never share one (CloudFront would refuse the
    // second batch under a reference it has seen).
    await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
  }
}

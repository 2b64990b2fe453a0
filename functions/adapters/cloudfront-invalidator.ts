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
    await this.create([...new Set(keys)].map((key) => `/${key.split('/').map(encodeURIComponent).join('/')}`));
  }

  /**
   * Every file, as one wildcard path: for the repair tool, which may rewrite thousands of files.
   * CloudFront bills a wildcard as one path, and lets 3,000 file paths but only 15 wildcard paths
   * be in progress at once, which is why regenerations name their files instead.
   */
  async invalidateEverything(): Promise<void> {
    await this.create(['/*']);
  }

  private async create(paths: string[]): Promise<void> {
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

import { randomUUID } from 'node:crypto';
import { CreateInvalidationCommand, GetInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { CdnInvalidator, InvalidationStatus } from '../use-cases/ports.js';

/** Invalidates exactly the given files in the distribution in front of the feed bucket, and tells when an invalidation completed. */
export class CloudFrontInvalidator implements CdnInvalidator, InvalidationStatus {
  constructor(
    private readonly client: CloudFrontClient,
    private readonly distributionId: string,
  ) {}

  async invalidate(keys: string[]): Promise<string> {
    return this.create([...new Set(keys)].map((key) => `/${key.split('/').map(encodeURIComponent).join('/')}`));
  }

  /**
   * Every file, as one wildcard path: for the repair tool, which may rewrite thousands of files.
   * CloudFront bills a wildcard as one path, and lets 3,000 file paths but only 15 wildcard paths
   * be in progress at once, which is why regenerations name their files instead.
   */
  async invalidateEverything(): Promise<string> {
    return this.create(['/*']);
  }

  async isCompleted(invalidationId: string): Promise<boolean> {
    const { Invalidation } = await this.client.send(
      new GetInvalidationCommand({ DistributionId: this.distributionId, Id: invalidationId }),
    );
    return Invalidation?.Status === 'Completed';
  }

  private async create(paths: string[]): Promise<string> {
    // One reference per invalidation: the SDK's retries of this call reuse it, so CloudFront creates
    // the invalidation once, while two regenerations never share one (CloudFront would refuse the
    // second batch under a reference it has seen).
    const { Invalidation } = await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: randomUUID(), Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    return Invalidation?.Id ?? '';
  }
}

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
    await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: `${Date.now()}-${paths.length}-${paths[0] ?? ''}`.slice(0, 128), Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
  }
}

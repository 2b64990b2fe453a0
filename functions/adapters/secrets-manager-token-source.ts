import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tokensFromSecret, type TokenSource } from '../ingest/tokens.js';

/** Bearer tokens kept in a Secrets Manager secret (`{"tokens": [...]}`), read on demand. */
export class SecretsManagerTokenSource implements TokenSource {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async tokens(): Promise<string[]> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    return tokensFromSecret(SecretString ?? '{}');
  }
}

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenSource } from '../use-cases/ports.js';

/** Parses a secret's value: `{"token": "..."}`, `{"tokens": ["...", "..."]}`, or both. */
export function tokensFromSecret(secret: string): string[] {
  const parsed = JSON.parse(secret) as { token?: unknown; tokens?: unknown };
  const tokens = [
    ...(typeof parsed.token === 'string' ? [parsed.token] : []),
    ...(Array.isArray(parsed.tokens) ? parsed.tokens.filter((token): token is string => typeof token === 'string') : []),
  ];
  return tokens.filter((token) => token.length >= 16);
}

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

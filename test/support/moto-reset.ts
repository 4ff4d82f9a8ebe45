/**
 * Before each moto-backed test file: point the AWS SDK at moto with dummy credentials
 * and reset moto's state, so no file sees another file's resources.
 */
import { beforeAll, inject } from 'vitest';

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  if (!endpoint) return;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
});

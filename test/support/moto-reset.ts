/**
 * Before each moto-backed test file: point the AWS SDK at moto with dummy credentials
 * and reset moto's state, so no file sees another file's resources.
 */
import { beforeAll, inject } from 'vitest';
import { resetMoto } from './moto-server.js';

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  if (!endpoint) return;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
  await resetMoto(endpoint);
});

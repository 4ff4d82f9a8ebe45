import { afterAll } from 'vitest';
import { closeTestJobLayers } from './jobs.js';

afterAll(closeTestJobLayers);

/** The fixed metadata key tests run the app with, so a test can read back (and forge) its records. */
import type { AppEnvironment } from '../../src/app/environment.js';
import { metadataKeyFromSecret, type RecordReader } from '../../src/github/hidden-json.js';

export const TEST_ENVIRONMENT: AppEnvironment = {
  metadataKey: metadataKeyFromSecret('driftgate test metadata key, not a secret'),
  appId: 1,
};

/** Reads hidden records with the key the app under test uses. */
export const TEST_RECORDS: RecordReader = { key: TEST_ENVIRONMENT.metadataKey };

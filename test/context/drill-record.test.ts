/**
 * A drill record is read back by `drill --check` to score and clean up: a record edited by
 * hand with a start time that is not a time is refused (it scored "NaN minutes" before).
 */
import { describe, expect, it } from 'vitest';
import { DRILL_TAG, drillRecordSchema } from '../../src/context/drill.js';

const RECORD = {
  drill: 1,
  stack: 'lab',
  address: 'aws_vpc.main',
  resource_id: 'vpc-0abc1234',
  tag_key: DRILL_TAG,
  tag_value: '0123abcd',
  started_at: '2026-11-25T10:00:00.000Z',
  region: 'us-east-1',
};

describe('drill record', () => {
  it('accepts what driftgate writes and refuses a start time that is not a time', () => {
    expect(drillRecordSchema.safeParse(RECORD).success).toBe(true);
    const edited = drillRecordSchema.safeParse({ ...RECORD, started_at: 'yesterday' });
    expect(edited.success).toBe(false);
    expect(edited.error!.issues[0]!.path).toEqual(['started_at']);
  });
});

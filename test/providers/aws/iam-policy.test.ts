/**
 * Each IAM document normaliser, named for the false positive it kills: the provider shows
 * no change for these, so neither may driftgate.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePolicyText,
  livePolicyValue,
  normalisePrincipal,
  policiesEquivalent,
} from '../../../src/providers/aws/iam-policy.js';

const doc = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('IAM policy document normalisers', () => {
  it('decodePolicyText: the URL-encoded document IAM returns equals the JSON in state', () => {
    const json = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    expect(decodePolicyText(encodeURIComponent(json))).toBe(json);
    expect(policiesEquivalent(json, encodeURIComponent(json))).toBe(true);
  });

  it('asList: a single string equals a one-element list (Action, Resource, condition values)', () => {
    expect(
      policiesEquivalent(
        doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
        doc([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'] }]),
      ),
    ).toBe(true);
  });

  it('statement and list order carry no meaning', () => {
    const a = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' };
    const b = { Effect: 'Deny', Action: 'iam:*', Resource: '*' };
    expect(
      policiesEquivalent(
        doc([a, b]),
        doc([b, { ...a, Action: ['s3:ListBucket', 's3:GetObject'] }]),
      ),
    ).toBe(true);
  });

  it('action case: s3:getobject is s3:GetObject', () => {
    expect(
      policiesEquivalent(
        doc([{ Effect: 'Allow', Action: 's3:getobject', Resource: '*' }]),
        doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
      ),
    ).toBe(true);
  });

  it('normalisePrincipal: "*" is {"AWS": "*"}, an account id is its root ARN', () => {
    expect(normalisePrincipal('*')).toEqual(normalisePrincipal({ AWS: '*' }));
    expect(normalisePrincipal({ AWS: '123456789012' })).toEqual(
      normalisePrincipal({ AWS: ['arn:aws:iam::123456789012:root'] }),
    );
  });

  it('still sees a real change, and shows the live document decoded', () => {
    const recorded = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const live = doc([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]);
    expect(policiesEquivalent(recorded, live)).toBe(false);
    expect(livePolicyValue(recorded, encodeURIComponent(live))).toBe(live);
    expect(livePolicyValue(recorded, encodeURIComponent(recorded))).toBe(recorded);
  });
});

/**
 * Policy documents (IAM and S3 bucket policies, one comparer): each normaliser, named for
 * the false positive it kills (the provider shows no change for these, so neither may
 * driftgate), and the real differences it must still see.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePolicyText,
  livePolicyValue,
  normalisePrincipal,
  equivalentPolicies,
  grantsEveryone,
  normalisePolicy,
} from '../../../src/providers/aws/policy-document.js';

const doc = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('IAM policy document normalisers', () => {
  it('decodePolicyText: the URL-encoded document IAM returns equals the JSON in state', () => {
    const json = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    expect(decodePolicyText(encodeURIComponent(json))).toBe(json);
    expect(equivalentPolicies(json, encodeURIComponent(json))).toBe(true);
  });

  it('asList: a single string equals a one-element list (Action, Resource, condition values)', () => {
    expect(
      equivalentPolicies(
        doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
        doc([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'] }]),
      ),
    ).toBe(true);
  });

  it('statement and list order carry no meaning', () => {
    const a = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' };
    const b = { Effect: 'Deny', Action: 'iam:*', Resource: '*' };
    expect(
      equivalentPolicies(
        doc([a, b]),
        doc([b, { ...a, Action: ['s3:ListBucket', 's3:GetObject'] }]),
      ),
    ).toBe(true);
  });

  it('action case: s3:getobject is s3:GetObject', () => {
    expect(
      equivalentPolicies(
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
    expect(equivalentPolicies(recorded, live)).toBe(false);
    expect(livePolicyValue(recorded, encodeURIComponent(live))).toBe(live);
    expect(livePolicyValue(recorded, encodeURIComponent(recorded))).toBe(recorded);
  });
});

const statement = {
  Sid: 'Read',
  Effect: 'Allow',
  Principal: { AWS: ['arn:aws:iam::1:root'] },
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
};
const other = { Sid: 'Deny', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' };
const docOf = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('S3 bucket policies: semantic equivalence', () => {
  it('ignores statement order, list order and key order', () => {
    const reordered = JSON.stringify({
      Statement: [
        other,
        {
          ...statement,
          Action: ['s3:ListBucket', 's3:GetObject'],
          Resource: [...statement.Resource].reverse(),
        },
      ],
      Version: '2012-10-17',
    });
    expect(equivalentPolicies(docOf(statement, other), reordered)).toBe(true);
  });

  it('treats a single string as a one-element list, and "*" as {"AWS": "*"}', () => {
    const single = {
      ...statement,
      Action: 's3:GetObject',
      Principal: { AWS: 'arn:aws:iam::1:root' },
    };
    const listed = { ...statement, Action: ['s3:GetObject'] };
    expect(equivalentPolicies(docOf(single), docOf(listed))).toBe(true);
    expect(equivalentPolicies(docOf(other), docOf({ ...other, Principal: { AWS: '*' } }))).toBe(
      true,
    );
    expect(equivalentPolicies(docOf(other), docOf({ ...other, Principal: { AWS: ['*'] } }))).toBe(
      true,
    );
  });

  it('reads URL-encoded documents (as IAM returns them)', () => {
    expect(equivalentPolicies(encodeURIComponent(docOf(statement)), docOf(statement))).toBe(true);
  });

  it('still sees a real difference: an added action, another principal, an added statement', () => {
    expect(equivalentPolicies(docOf(statement), docOf({ ...statement, Action: 's3:*' }))).toBe(
      false,
    );
    expect(
      equivalentPolicies(docOf(statement), docOf({ ...statement, Principal: { AWS: '*' } })),
    ).toBe(false);
    expect(equivalentPolicies(docOf(statement), docOf(statement, other))).toBe(false);
    expect(equivalentPolicies('not json', docOf(statement))).toBe(false);
  });
});

describe('policy documents: what the provider does not normalise', () => {
  it('condition keys are case-insensitive, condition values a set', () => {
    const base = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    expect(
      equivalentPolicies(
        doc([
          { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '10.1.0.0/16'] } } },
        ]),
        doc([
          { ...base, Condition: { IpAddress: { 'aws:sourceip': ['10.1.0.0/16', '10.0.0.0/8'] } } },
        ]),
      ),
    ).toBe(true);
    expect(
      equivalentPolicies(
        doc([{ ...base, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]),
        doc([base]),
      ),
    ).toBe(false);
  });

  it('an unknown key is compared as written, never dropped', () => {
    const base = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    expect(equivalentPolicies(doc([{ ...base, Extra: 1 }]), doc([base]))).toBe(false);
    expect(equivalentPolicies(doc([{ ...base, Extra: 1 }]), doc([{ ...base, Extra: 1 }]))).toBe(
      true,
    );
  });

  it('grantsEveryone: "*", {"AWS": "*"} and a list holding "*"', () => {
    const everyone = (principal: unknown) =>
      grantsEveryone(normalisePolicy(doc([{ ...other, Principal: principal }]))!.Statement[0]!);
    expect(everyone('*')).toBe(true);
    expect(everyone({ AWS: '*' })).toBe(true);
    expect(everyone({ AWS: ['arn:aws:iam::1:root', '*'] })).toBe(true);
    expect(everyone({ AWS: 'arn:aws:iam::1:root' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { groupRelatedDrifts } from '../../src/context/cause.js';
import { relatedLinkComments } from '../../src/context/related-links.js';

const groups = groupRelatedDrifts(
  [
    { stack: 'net', address: 'aws_security_group.web', eventId: 'ev-1', pullRequest: 7 },
    { stack: 'data', address: 'aws_security_group.db', eventId: 'ev-1', pullRequest: 9 },
  ],
  15,
);

describe('cross-links between related PRs', () => {
  it('comments on each PR of a new group, naming the others', () => {
    const { comments, linked } = relatedLinkComments(groups, []);
    expect(comments).toEqual([
      {
        pullRequest: 7,
        body: 'Related drift with the same cause (CloudTrail event ev-1): #9 (`aws_security_group.db` in `data`). Consider deciding them together.',
      },
      {
        pullRequest: 9,
        body: 'Related drift with the same cause (CloudTrail event ev-1): #7 (`aws_security_group.web` in `net`). Consider deciding them together.',
      },
    ]);
    expect(linked).toEqual(['CloudTrail event ev-1#7,9']);
  });

  it('a group already linked is not commented on again', () => {
    expect(relatedLinkComments(groups, ['CloudTrail event ev-1#7,9']).comments).toEqual([]);
  });
});

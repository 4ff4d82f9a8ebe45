/**
 * Cross-links between the PRs of related drifts (one cause, several stacks): each PR of a
 * group gets one comment naming the others. Which groups were announced is kept in the
 * dashboard's record, so a later scan that finds the same group writes nothing. Pure.
 */
import { inlineCode, plainText } from '../report/markdown.js';
import type { RelatedGroup } from './cause.js';

/** A group's identity: what ties it and which PRs are in it. */
export function groupSignature(group: RelatedGroup): string {
  const prs = group.members
    .map((member) => member.pullRequest)
    .filter((number): number is number => number !== undefined)
    .sort((a, b) => a - b);
  return `${group.key}#${prs.join(',')}`;
}

export function relatedLinkComments(
  groups: readonly RelatedGroup[],
  alreadyLinked: readonly string[],
): { comments: { pullRequest: number; body: string }[]; linked: string[] } {
  const comments: { pullRequest: number; body: string }[] = [];
  const linked: string[] = [];
  for (const group of groups) {
    const withPr = group.members.filter((member) => member.pullRequest !== undefined);
    if (withPr.length < 2) continue;
    const signature = groupSignature(group);
    linked.push(signature);
    if (alreadyLinked.includes(signature)) continue;
    for (const member of withPr) {
      const others = withPr
        .filter((other) => other !== member)
        .map(
          (other) =>
            `#${other.pullRequest} (${inlineCode(other.address)} in ${inlineCode(other.stack)})`,
        );
      comments.push({
        pullRequest: member.pullRequest!,
        body: `Related drift with the same cause (${plainText(group.key)}): ${others.join(', ')}. Consider deciding them together.`,
      });
    }
  }
  return { comments, linked };
}

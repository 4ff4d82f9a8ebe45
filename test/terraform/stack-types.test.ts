/**
 * Resources by type (codify's look-up of a group's rule resources): the stack's resources
 * of those types in stack order, also after a file is replaced with one that adds a type.
 */
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src/terraform/hcl-syntax.js';
import { buildStack, replaceStackFiles, resourcesOfTypes } from '../../src/terraform/stack.js';

const RULES = new Set(['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule']);
const block = (type: string, name: string) => `resource "${type}" "${name}" {\n}\n`;

describe('resourcesOfTypes', () => {
  it('lists the resources of the types in stack order, skipping nothing', async () => {
    const stack = await buildStack('.', [
      { path: 'a.tf', text: block('aws_instance', 'a') + block('aws_security_group_rule', 'r1') },
      { path: 'b.tf', text: block('aws_security_group', 'g') },
      {
        path: 'c.tf',
        text:
          block('aws_vpc_security_group_ingress_rule', 'r2') +
          block('aws_instance', 'b') +
          block('aws_security_group_rule', 'r3'),
      },
    ]);
    const expected = stack.resources.filter((resource) => RULES.has(resource.type));
    expect(resourcesOfTypes(stack, RULES)).toEqual(expected);
    expect(resourcesOfTypes(stack, RULES).map((resource) => resource.address)).toEqual([
      'aws_security_group_rule.r1',
      'aws_vpc_security_group_ingress_rule.r2',
      'aws_security_group_rule.r3',
    ]);
  });

  it('sees a type a replaced file newly declares', async () => {
    const stack = await buildStack('.', [
      { path: 'a.tf', text: block('aws_instance', 'a') },
      { path: 'b.tf', text: block('aws_security_group', 'g') },
    ]);
    expect(resourcesOfTypes(stack, RULES)).toEqual([]);
    const replaced = replaceStackFiles(stack, [
      await parseHcl(
        'b.tf',
        block('aws_security_group', 'g') + block('aws_security_group_rule', 'new'),
      ),
    ]);
    expect(resourcesOfTypes(replaced, RULES).map((resource) => resource.address)).toEqual([
      'aws_security_group_rule.new',
    ]);
  });
});

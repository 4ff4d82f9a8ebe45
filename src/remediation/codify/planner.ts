/**
 * The codify planner: (stack source, drift) → text edits that make the code say what live
 * says, or a precise refusal naming file:line and the expression to change. Pure: it reads
 * parsed files and returns edits; it never touches the file system. Every operation is
 * "ensure the source equals live", so running it again on its own output plans nothing.
 *
 * A drift is codified whole or not at all: if any of its changes must be refused, the
 * plan carries the refusals and no edits for that drift.
 *
 * The parts: plan-values.ts (attribute values, map keys), plan-blocks.ts (nested blocks, by
 * the provider's block kinds), plan-rules.ts (security group rule resources).
 */
import type { AttributeChange, Drift } from '../../drift/model.js';
import { AWS_RESOURCE_BLOCKS } from '../../providers/aws/blocks.js';
import type { HclValue } from '../../terraform/hcl-syntax.js';
import { formatPath } from '../../terraform/path.js';
import { attributeOf, findResource, type TerraformStack } from '../../terraform/stack.js';
import type { EvaluationContext } from './evaluate.js';
import { planNestedChange, planSetElements, planWholeBlockList } from './plan-blocks.js';
import {
  isEmpty,
  refuse,
  whereBlock,
  whereExpression,
  type CodifyPlan,
  type CodifyRefusal,
  type Step,
  type Where,
} from './plan-common.js';
import { newRuleResource, ruleFormOf, ruleResourceExists } from './plan-rules.js';
import { ensureExpressionValue, ensureMapKey, insertAttribute } from './plan-values.js';
import { planPolicyDocument } from './plan-policy.js';
import { isPolicyDocumentAttribute } from '../../providers/aws/policy-document.js';

export type { CodifyPlan, CodifyRefusal, TextEdit } from './plan-common.js';
export { equivalent } from './plan-common.js';

/**
 * A whole element of a block set or list: a set element added or removed (`setElement`,
 * path `ingress`), or a list element by index (`ingress[1]`).
 */
function isWholeElement(change: AttributeChange): boolean {
  return (
    change.setElement !== undefined ||
    (change.path.length === 2 && typeof change.path[1] === 'number')
  );
}

/** A resource inside a module: name the module block, and the input that looks like the attribute. */
function moduleRefusal(stack: TerraformStack, drift: Drift): Omit<CodifyRefusal, 'address'>[] {
  const name = drift.address.split('.')[1] ?? '';
  const module = stack.modules.find((candidate) => candidate.name === name);
  if (!module)
    return [
      {
        path: '',
        reason: `the resource is declared inside module.${name}, which this stack does not call; change it where the module is called`,
      },
    ];
  const heads = [...new Set(drift.changes.map((change) => String(change.path[0])))];
  const input = module.block.attributes.find((attribute) => heads.includes(attribute.name));
  const where: Where = input
    ? whereExpression(module.block.file, input.value)
    : whereBlock(module.block);
  const source = module.source ? ` (source ${JSON.stringify(module.source)})` : '';
  return [
    {
      path: '',
      reason: input
        ? `the resource is declared inside module.${name}${source}; its code is the module's — change the input \`${input.name}\` of the module block by hand`
        : `the resource is declared inside module.${name}${source}; its code is the module's — change the module or pass a new input in its block by hand`,
      ...where,
    },
  ];
}

/** Plan the edits that codify one drift. */
export function planCodify(context: EvaluationContext, drift: Drift): CodifyPlan {
  const plan: CodifyPlan = {
    address: drift.address,
    edits: [],
    refusals: [],
    unchanged: [],
    addedResources: [],
  };
  const addRefusal = (refusal: Omit<CodifyRefusal, 'address'>) =>
    plan.refusals.push({ address: drift.address, ...refusal });

  if (drift.address.startsWith('module.')) {
    moduleRefusal(context.stack, drift).forEach(addRefusal);
    return plan;
  }
  const declaration = findResource(context.stack, drift.address);
  if (!declaration) {
    addRefusal({
      path: '',
      reason: `no resource block for ${drift.address} in ${context.stack.dir}`,
      file: context.stack.dir,
    });
    return plan;
  }
  const where = whereBlock(declaration.block);
  if (/\[[^\]]*\]$/.test(drift.address) || declaration.count || declaration.forEach) {
    const meta = declaration.count ?? declaration.forEach;
    const metaText = declaration.count
      ? `count = ${declaration.count.text}`
      : declaration.forEach
        ? `for_each = ${declaration.forEach.text}`
        : 'count/for_each';
    addRefusal({
      path: '',
      reason: `the block defines several instances (${metaText}); an edit would change all of them — codify ${drift.address} by hand`,
      ...(meta ? whereExpression(declaration.block.file, meta) : where),
    });
    return plan;
  }
  if (drift.action === 'delete') {
    addRefusal({
      path: '',
      reason:
        'the resource was deleted outside Terraform; to codify, remove its block (and add a `removed` block) by hand',
      ...where,
    });
    return plan;
  }

  const blocksSchema = AWS_RESOURCE_BLOCKS[drift.type];
  const ruleForm = ruleFormOf(context, declaration);
  const changedTags = new Set(
    drift.changes
      .filter((change) => change.path[0] === 'tags')
      .map((change) => formatPath(change.path.slice(1))),
  );
  const steps: Step[] = [];
  const setElementChanges = new Map<string, AttributeChange[]>();

  for (const change of drift.changes) {
    const changePath = formatPath(change.path);
    const [head, second] = change.path;
    if (typeof head !== 'string') continue;
    const attribute = attributeOf(declaration.block, head);
    if (change.sensitive) {
      // Name the attribute, never its value: the code may hold the secret itself.
      steps.push(
        refuse(
          'the value is sensitive; driftgate never writes secrets into code',
          attribute
            ? { file: declaration.block.file, line: attribute.range.line, expression: head }
            : where,
          changePath,
        ),
      );
      continue;
    }
    if (head === 'tags_all') {
      // tags_all is computed: tags plus the provider's default_tags.
      if (second !== undefined && changedTags.has(formatPath(change.path.slice(1))))
        steps.push({ unchanged: changePath });
      else
        steps.push(
          refuse(
            "only tags_all changed, so the tag comes from the provider's default_tags; change the provider block by hand",
            where,
            changePath,
          ),
        );
      continue;
    }
    const dynamic = declaration.block.blocks.find(
      (block) => block.type === 'dynamic' && block.labels[0] === head,
    );
    if (dynamic) {
      steps.push(
        refuse(
          `${head} is generated by a dynamic block; change its for_each input by hand`,
          whereBlock(dynamic),
          changePath,
        ),
      );
      continue;
    }
    const blockSchema = blocksSchema?.[head];
    const writtenAsBlocks = declaration.block.blocks.some((block) => block.type === head);
    const isRule = ruleForm !== undefined && (head === 'ingress' || head === 'egress');

    if (isRule && ruleForm.form === 'resources') {
      if (isWholeElement(change) && change.recorded === null && change.live) {
        const element = change.live as Record<string, unknown>;
        if (ruleResourceExists(context, ruleForm.ruleResources, head, element)) {
          steps.push({ unchanged: changePath });
          continue;
        }
        const created = newRuleResource(
          context,
          declaration,
          head as 'ingress' | 'egress',
          element,
          ruleForm.ruleResources,
        );
        plan.addedResources.push(created.address);
        steps.push({ edit: created.edit });
      } else {
        const rule = ruleForm.ruleResources[0];
        steps.push(
          refuse(
            `the group's rules are separate resources; change ${changePath} on the rule resource by hand`,
            rule ? whereBlock(rule.block) : where,
            changePath,
          ),
        );
      }
      continue;
    }

    if (writtenAsBlocks || blockSchema || isRule) {
      if (isWholeElement(change) && (blockSchema?.nesting === 'set' || isRule || !blockSchema)) {
        setElementChanges.set(head, [...(setElementChanges.get(head) ?? []), change]);
      } else if (change.path.length === 1 && blockSchema?.nesting === 'list') {
        steps.push(planWholeBlockList(context, declaration, head, blockSchema, change));
      } else if (change.path.length >= 3 && typeof second === 'number') {
        steps.push(planNestedChange(context, declaration, blocksSchema, change));
      } else if (attribute && !writtenAsBlocks && change.path.length === 1) {
        // The attributes-as-blocks form (`ingress = []`) with a whole-value change.
        steps.push(
          refuse(
            `${head} is written as \`${attribute.value.text}\` and changed as a whole; change it by hand`,
            whereExpression(declaration.block.file, attribute.value),
            changePath,
          ),
        );
      } else {
        const first = declaration.block.blocks.find((block) => block.type === head);
        steps.push(
          refuse(
            `${head} is written as nested blocks; change it by hand`,
            first ? whereBlock(first) : where,
            changePath,
          ),
        );
      }
      continue;
    }

    if (change.setElement) {
      // A set written as an attribute (a list of ids, say): one element is not the whole value.
      steps.push(
        refuse(
          `cannot codify the ${change.setElement} ${head} element automatically`,
          attribute ? whereExpression(declaration.block.file, attribute.value) : where,
          changePath,
        ),
      );
      continue;
    }
    if (change.path.length === 1 && attribute && isPolicyDocumentAttribute(drift.type, head)) {
      steps.push(
        planPolicyDocument(
          context,
          attribute.value,
          declaration.block.file,
          change.live,
          changePath,
        ),
      );
      continue;
    }
    if (change.path.length === 1) {
      if (attribute) {
        steps.push(
          ensureExpressionValue(
            context,
            attribute.value,
            declaration.block.file,
            change.live as HclValue,
            { isSet: Array.isArray(change.live), changePath },
          ),
        );
      } else if (change.live === null || (isEmpty(change.live) && isEmpty(change.recorded))) {
        steps.push({ unchanged: changePath });
      } else {
        steps.push({
          edit: insertAttribute(context, declaration.block, head, change.live as HclValue),
        });
      }
      continue;
    }
    if (change.path.length === 2 && typeof second === 'string') {
      if (attribute) {
        steps.push(
          ensureMapKey(context, attribute, declaration.block.file, second, change.live, changePath),
        );
      } else if (change.live !== null) {
        steps.push({
          edit: insertAttribute(context, declaration.block, head, {
            [second]: change.live as HclValue,
          }),
        });
      } else {
        steps.push({ unchanged: changePath });
      }
      continue;
    }
    steps.push(
      refuse(
        `cannot codify ${changePath} automatically`,
        attribute ? whereExpression(declaration.block.file, attribute.value) : where,
        changePath,
      ),
    );
  }
  for (const [type, changes] of setElementChanges)
    steps.push(...planSetElements(context, declaration, type, blocksSchema?.[type], changes));

  for (const step of steps) {
    if ('edit' in step) plan.edits.push(step.edit);
    else if ('refusal' in step) addRefusal(step.refusal);
    else plan.unchanged.push(step.unchanged);
  }
  if (plan.refusals.length > 0) {
    plan.edits = [];
    plan.addedResources = [];
  }
  return plan;
}

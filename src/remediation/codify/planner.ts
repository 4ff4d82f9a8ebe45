/**
 * The codify planner: (stack source, drift) → text edits that make the code say what live
 * says, or a precise refusal. Pure: it reads parsed files and returns edits; it never
 * touches the file system. Every operation is "ensure the source equals live", so running
 * it again on its own output plans nothing.
 *
 * A drift is codified whole or not at all: if any of its changes must be refused, the
 * plan carries the refusals and no edits for that drift.
 */
import { normaliseProtocol } from '../../cloud/aws/security-group-rules.js';
import type { AttributeChange, Drift } from '../../drift/model.js';
import type {
  HclAttribute,
  HclBlock,
  HclExpression,
  HclValue,
} from '../../terraform/hcl-syntax.js';
import { formatPath } from '../../terraform/path.js';
import { attributeOf, findResource, type ResourceDeclaration } from '../../terraform/stack.js';
import { evaluate, originOf, usageCount, type EvaluationContext } from './evaluate.js';
import { indentAt, renderKey, renderString, renderValue } from './hcl-format.js';

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}

export interface CodifyRefusal {
  address: string;
  path: string;
  reason: string;
  /** Where a human must act. */
  file?: string;
  line?: number;
  expression?: string;
}

export interface CodifyPlan {
  address: string;
  edits: TextEdit[];
  refusals: CodifyRefusal[];
  /** Changes that needed no edit (the code already says it, or it follows from another edit). */
  unchanged: string[];
  /** Resource blocks this plan adds (for the semantic check). */
  addedResources: string[];
}

type Step =
  { edit: TextEdit } | { refusal: Omit<CodifyRefusal, 'address'> } | { unchanged: string };

const SECURITY_GROUP_RULE_TYPES = new Set([
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

function fileText(context: EvaluationContext, path: string): string {
  const file = context.stack.files.find((candidate) => candidate.path === path);
  const text = file?.text ?? context.tfvarsTexts.get(path);
  if (text === undefined) throw new Error(`file ${path} is not part of the stack`);
  return text;
}

function refuse(
  reason: string,
  where?: { file: string; line?: number; expression?: string },
  path = '',
): Step {
  return { refusal: { path, reason, ...(where ?? {}) } };
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length === 0)
  );
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Loose equality between a value in code and a recorded/live value (sets as sets, "443" = 443). */
export function equivalent(code: unknown, other: unknown, key?: string): boolean {
  if (isEmpty(code) && isEmpty(other)) return true;
  if (
    key === 'protocol' &&
    (typeof code === 'string' || typeof code === 'number') &&
    (typeof other === 'string' || typeof other === 'number')
  ) {
    return normaliseProtocol(code) === normaliseProtocol(other);
  }
  if (Array.isArray(code) && Array.isArray(other)) {
    if (code.length !== other.length) return false;
    const left = code.map(scalarText).sort();
    const right = other.map(scalarText).sort();
    return left.every((item, i) => item === right[i]);
  }
  if (code && other && typeof code === 'object' && typeof other === 'object') {
    const keys = new Set([...Object.keys(code), ...Object.keys(other)]);
    return [...keys].every((k) =>
      equivalent((code as Record<string, unknown>)[k], (other as Record<string, unknown>)[k], k),
    );
  }
  return scalarText(code) === scalarText(other);
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}

// ---------------------------------------------------------------------------
// Values of attributes

/** Make an attribute's expression evaluate to `live`, editing wherever the value is written. */
function ensureExpressionValue(
  context: EvaluationContext,
  expression: HclExpression,
  file: string,
  live: HclValue,
  options: { isSet: boolean; changePath: string },
): Step {
  const current = evaluate(expression, file, context);
  if (
    current !== undefined &&
    (options.isSet ? equivalent(current, live) : JSON.stringify(current) === JSON.stringify(live))
  ) {
    return { unchanged: options.changePath };
  }
  const origin = originOf(expression, file, context);
  switch (origin.kind) {
    case 'literal':
      if (expression.kind === 'tuple' && Array.isArray(live) && options.isSet)
        return ensureSetItems(context, expression, file, live, options.changePath);
      return {
        edit: {
          file,
          start: expression.range.start,
          end: expression.range.end,
          text: renderValue(live, indentAt(fileText(context, file), expression.range.start)),
        },
      };
    case 'tfvars':
    case 'variable-default':
    case 'local': {
      const traversal = origin.kind === 'local' ? `local.${origin.name}` : `var.${origin.name}`;
      const uses = usageCount(context, traversal);
      if (uses > 1) {
        return refuse(
          `${traversal} is used in ${uses} places; changing it would change all of them`,
          { file, line: expression.range.line, expression: expression.text },
          options.changePath,
        );
      }
      const target = origin.kind === 'tfvars' ? origin.assignment.expression : origin.expression;
      const targetFile = origin.kind === 'tfvars' ? origin.assignment.file : origin.file;
      if (literalValueOrUndefined(context, target, targetFile) === undefined) {
        return refuse(
          `${traversal} is not a literal value`,
          { file: targetFile, line: target.range.line, expression: target.text },
          options.changePath,
        );
      }
      return {
        edit: {
          file: targetFile,
          start: target.range.start,
          end: target.range.end,
          text: renderValue(live, indentAt(fileText(context, targetFile), target.range.start)),
        },
      };
    }
    case 'computed':
      if (expression.kind === 'tuple' && Array.isArray(live) && options.isSet)
        return ensureSetItems(context, expression, file, live, options.changePath);
      return refuse(
        `the value comes from \`${expression.text}\`, and ${origin.why}; change it by hand to produce ${JSON.stringify(live)}`,
        { file, line: expression.range.line, expression: expression.text },
        options.changePath,
      );
  }
}

function literalValueOrUndefined(
  context: EvaluationContext,
  expression: HclExpression,
  file: string,
): HclValue | undefined {
  return expression.kind === 'reference' ? undefined : evaluate(expression, file, context);
}

/**
 * A set written as a tuple that mixes references and literals (`[var.office, "10.0.0.0/8"]`):
 * keep every item that is still live, drop literal items that are gone, append new
 * members as literals — the edit an engineer would make by hand.
 */
function ensureSetItems(
  context: EvaluationContext,
  tuple: Extract<HclExpression, { kind: 'tuple' }>,
  file: string,
  live: HclValue[],
  changePath: string,
): Step {
  const text = fileText(context, file);
  const liveKeys = live.map(scalarText);
  const items = tuple.items.map((item) => ({ item, value: evaluate(item, file, context) }));
  const unknown = items.find(({ value }) => value === undefined);
  if (unknown) {
    return refuse(
      `an element of the list is computed (\`${unknown.item.text}\`)`,
      { file, line: unknown.item.range.line, expression: tuple.text },
      changePath,
    );
  }
  const kept = items.filter(({ value }) => liveKeys.includes(scalarText(value)));
  const dropped = items.filter(({ value }) => !liveKeys.includes(scalarText(value)));
  const droppedReference = dropped.find(({ item }) => item.kind !== 'literal');
  if (droppedReference) {
    return refuse(
      `the list element \`${droppedReference.item.text}\` is no longer live, but it is a reference; remove or change it by hand`,
      { file, line: droppedReference.item.range.line, expression: tuple.text },
      changePath,
    );
  }
  const present = kept.map(({ value }) => scalarText(value));
  const added = live.filter((value) => !present.includes(scalarText(value)));
  const parts = [...kept.map(({ item }) => item.text), ...added.map((value) => renderValue(value))];
  const multiline = tuple.text.includes('\n');
  if (!multiline)
    return {
      edit: { file, start: tuple.range.start, end: tuple.range.end, text: `[${parts.join(', ')}]` },
    };
  const indent = indentAt(text, tuple.range.start);
  return {
    edit: {
      file,
      start: tuple.range.start,
      end: tuple.range.end,
      text: `[\n${parts.map((part) => `${indent}  ${part},`).join('\n')}\n${indent}]`,
    },
  };
}

// ---------------------------------------------------------------------------
// Attributes and map keys

function insertAttribute(
  context: EvaluationContext,
  block: HclBlock,
  name: string,
  value: HclValue,
): TextEdit {
  const text = fileText(context, block.file);
  const singleLine = block.attributes.filter(
    (attribute) => !text.slice(attribute.range.start, attribute.range.end).includes('\n'),
  );
  const anchor = singleLine[singleLine.length - 1] ?? block.attributes[block.attributes.length - 1];
  const bodyIndent = anchor
    ? indentAt(text, anchor.range.start)
    : `${indentAt(text, block.range.start)}  `;
  const line = `${bodyIndent}${renderKey(name)} = ${renderValue(value, bodyIndent)}\n`;
  if (anchor) {
    const at = lineEndOf(text, anchor.range.end);
    return { file: block.file, start: at, end: at, text: line };
  }
  const at = lineEndOf(text, block.bodyRange.start);
  return { file: block.file, start: at, end: at, text: line };
}

function ensureMapKey(
  context: EvaluationContext,
  attribute: HclAttribute,
  file: string,
  key: string,
  live: unknown,
  changePath: string,
): Step {
  const expression = attribute.value;
  if (expression.kind !== 'object') {
    const origin = originOf(expression, file, context);
    return refuse(
      `\`${attribute.name}\` is not written as a map literal here (${origin.kind === 'computed' ? origin.why : `it comes from ${expression.text}`}); set key ${JSON.stringify(key)} by hand`,
      { file, line: expression.range.line, expression: expression.text },
      changePath,
    );
  }
  const text = fileText(context, file);
  const item = expression.items.find((candidate) => candidate.key === key);
  if (live === null) {
    if (!item) return { unchanged: changePath };
    const start = lineStartOf(text, item.range.start);
    const end = lineEndOf(text, item.range.end);
    if (
      text.slice(start, item.range.start).trim() !== '' ||
      text.slice(item.range.end, end).trim().replace(/^,/, '').trim() !== ''
    ) {
      return refuse(
        `the key ${JSON.stringify(key)} shares its line with other code; remove it by hand`,
        { file, line: item.range.line },
        changePath,
      );
    }
    return { edit: { file, start, end, text: '' } };
  }
  if (item)
    return ensureExpressionValue(context, item.value, file, live as HclValue, {
      isSet: false,
      changePath,
    });
  if (!expression.text.includes('\n')) {
    const inner = expression.text.slice(1, -1).trim();
    const entry = `${renderKey(key)} = ${renderValue(live as HclValue)}`;
    return {
      edit: {
        file,
        start: expression.range.start,
        end: expression.range.end,
        text: inner ? `{ ${inner}, ${entry} }` : `{ ${entry} }`,
      },
    };
  }
  const closing = expression.range.end - 1;
  const closingLine = lineStartOf(text, closing);
  const itemIndent = expression.items[0]
    ? indentAt(text, expression.items[0].range.start)
    : `${indentAt(text, closing)}  `;
  return {
    edit: {
      file,
      start: closingLine,
      end: closingLine,
      text: `${itemIndent}${renderKey(key)} = ${renderValue(live as HclValue, itemIndent)}\n`,
    },
  };
}

// ---------------------------------------------------------------------------
// Nested blocks that form a set

const BLOCK_ATTRIBUTE_ORDER = [
  'description',
  'from_port',
  'to_port',
  'protocol',
  'cidr_blocks',
  'ipv6_cidr_blocks',
  'prefix_list_ids',
  'security_groups',
  'self',
];

function blockValues(
  context: EvaluationContext,
  block: HclBlock,
): Map<string, HclValue | undefined> {
  return new Map(
    block.attributes.map((attribute) => [
      attribute.name,
      evaluate(attribute.value, block.file, context),
    ]),
  );
}

/** Does a block in code describe this element (every attribute it writes agrees; the rest are defaults)? */
function blockMatches(
  context: EvaluationContext,
  block: HclBlock,
  element: Record<string, unknown>,
): boolean {
  const values = blockValues(context, block);
  let compared = 0;
  for (const [name, value] of values) {
    if (value === undefined) continue;
    compared++;
    if (!equivalent(value, element[name], name)) return false;
  }
  for (const [name, value] of Object.entries(element)) {
    if (
      !values.has(name) &&
      !isEmpty(value) &&
      !(name === 'from_port' || name === 'to_port' ? value === 0 : false)
    )
      return false;
  }
  return compared > 0;
}

function renderBlock(type: string, element: Record<string, unknown>, indent: string): string {
  const keys = Object.keys(element)
    .filter(
      (key) =>
        !isEmpty(element[key]) ||
        ((key === 'from_port' || key === 'to_port') &&
          element.protocol !== '-1' &&
          element[key] === 0),
    )
    .sort((a, b) => {
      const rank = (key: string) =>
        BLOCK_ATTRIBUTE_ORDER.includes(key) ? BLOCK_ATTRIBUTE_ORDER.indexOf(key) : 100;
      return rank(a) - rank(b) || (a < b ? -1 : 1);
    });
  const inner = `${indent}  `;
  const width = Math.max(0, ...keys.map((key) => renderKey(key).length));
  const lines = keys.map(
    (key) =>
      `${inner}${renderKey(key).padEnd(width)} = ${renderValue(element[key] as HclValue, inner)}`,
  );
  return `${indent}${type} {\n${lines.join('\n')}\n${indent}}\n`;
}

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

function ensureBlockElement(
  context: EvaluationContext,
  declaration: ResourceDeclaration,
  type: string,
  change: AttributeChange,
): Step[] {
  const changePath = formatPath(change.path);
  const blocks = declaration.block.blocks.filter((block) => block.type === type);
  const text = fileText(context, declaration.block.file);
  if (change.live !== null && change.recorded === null) {
    const element = change.live as Record<string, unknown>;
    if (blocks.some((block) => blockMatches(context, block, element)))
      return [{ unchanged: changePath }];
    const anchor = blocks[blocks.length - 1];
    if (anchor) {
      const at = lineEndOf(text, anchor.range.end);
      return [
        {
          edit: {
            file: declaration.block.file,
            start: at,
            end: at,
            text: `\n${renderBlock(type, element, indentAt(text, anchor.range.start))}`,
          },
        },
      ];
    }
    const closing = lineStartOf(text, declaration.block.range.end - 1);
    const indent = `${indentAt(text, declaration.block.range.start)}  `;
    return [
      {
        edit: {
          file: declaration.block.file,
          start: closing,
          end: closing,
          text: `\n${renderBlock(type, element, indent)}`,
        },
      },
    ];
  }
  if (change.live === null && change.recorded !== null) {
    const element = change.recorded as Record<string, unknown>;
    const match = blocks.find((block) => blockMatches(context, block, element));
    if (!match) return [{ unchanged: changePath }];
    return [
      { edit: removeLinesEdit(text, declaration.block.file, match.range.start, match.range.end) },
    ];
  }
  return [
    refuse(
      `cannot tell which ${type} block changed`,
      { file: declaration.block.file, line: declaration.block.range.line },
      changePath,
    ),
  ];
}

/** Remove whole lines, with the comment lines directly above, and one blank line if it would double up. */
function removeLinesEdit(text: string, file: string, start: number, end: number): TextEdit {
  let from = lineStartOf(text, start);
  while (from > 0) {
    const previous = lineStartOf(text, from - 1);
    if (!/^\s*(#|\/\/)/.test(text.slice(previous, from))) break;
    from = previous;
  }
  let to = lineEndOf(text, end);
  const before = text.slice(lineStartOf(text, from - 1), from);
  const after = text.slice(to, lineEndOf(text, to));
  if (before.trim() === '' && after.trim() === '' && from > 0) to = lineEndOf(text, to);
  return { file, start: from, end: to, text: '' };
}

function editInsideBlockElement(
  context: EvaluationContext,
  declaration: ResourceDeclaration,
  type: string,
  change: AttributeChange,
): Step {
  const changePath = formatPath(change.path);
  const element = change.element;
  const attributeName = change.path[2];
  if (!element || typeof attributeName !== 'string' || change.path.length !== 3) {
    return refuse(
      `cannot edit ${changePath}: nested too deep for an automatic edit`,
      { file: declaration.block.file, line: declaration.block.range.line },
      changePath,
    );
  }
  const blocks = declaration.block.blocks.filter((block) => block.type === type);
  const match = blocks.find((block) =>
    blockMatches(context, block, element.recorded as Record<string, unknown>),
  );
  if (!match) {
    if (
      blocks.some((block) => blockMatches(context, block, element.live as Record<string, unknown>))
    )
      return { unchanged: changePath };
    return refuse(
      `no ${type} block in the code matches the recorded rule`,
      { file: declaration.block.file, line: declaration.block.range.line },
      changePath,
    );
  }
  const attribute = attributeOf(match, attributeName);
  if (!attribute) {
    if (change.live === null || isEmpty(change.live)) return { unchanged: changePath };
    return { edit: insertAttribute(context, match, attributeName, change.live as HclValue) };
  }
  return ensureExpressionValue(context, attribute.value, match.file, change.live as HclValue, {
    isSet: Array.isArray(change.live),
    changePath,
  });
}

// ---------------------------------------------------------------------------
// Unmanaged security group rules → new rule resources

function ruleResourceName(
  group: string,
  direction: string,
  element: Record<string, unknown>,
): string {
  const protocol =
    normaliseProtocol(element.protocol as string) === '-1'
      ? 'all'
      : normaliseProtocol(element.protocol as string);
  const ports =
    protocol === 'all'
      ? ''
      : element.from_port === element.to_port
        ? `_${element.from_port}`
        : `_${element.from_port}_${element.to_port}`;
  const sources = [
    ...((element.cidr_blocks as string[]) ?? []),
    ...((element.ipv6_cidr_blocks as string[]) ?? []),
    ...((element.security_groups as string[]) ?? []),
  ];
  const source = element.self ? 'self' : (sources[0] ?? 'rule');
  return `${group}_${direction}_${protocol}${ports}_${source}`
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/_$/, '')
    .toLowerCase();
}

function newRuleResource(
  context: EvaluationContext,
  group: ResourceDeclaration,
  direction: 'ingress' | 'egress',
  element: Record<string, unknown>,
  useVpcRules: boolean,
): { edit: TextEdit; address: string } {
  const text = fileText(context, group.block.file);
  const groupReference = `${group.address}.id`;
  const related = context.stack.resources.filter(
    (resource) =>
      SECURITY_GROUP_RULE_TYPES.has(resource.type) &&
      resource.block.file === group.block.file &&
      resource.block.range.start > group.block.range.start &&
      text.slice(resource.block.range.start, resource.block.range.end).includes(groupReference),
  );
  const anchor = related[related.length - 1]?.block ?? group.block;
  let name = ruleResourceName(group.name, direction, element);
  const taken = new Set(context.stack.resources.map((resource) => resource.address));
  for (let n = 2; taken.has(`aws_security_group_rule.${name}`); n++) name = `${name}_${n}`;
  const protocol = normaliseProtocol(element.protocol as string);
  let body: [string, string][];
  let type: string;
  if (useVpcRules) {
    type =
      direction === 'ingress'
        ? 'aws_vpc_security_group_ingress_rule'
        : 'aws_vpc_security_group_egress_rule';
    const cidr = ((element.cidr_blocks as string[]) ?? [])[0];
    body = [
      ['security_group_id', groupReference],
      ['ip_protocol', renderString(protocol)],
      ...(protocol === '-1'
        ? []
        : ([
            ['from_port', String(element.from_port)],
            ['to_port', String(element.to_port)],
          ] as [string, string][])),
      ...(cidr ? ([['cidr_ipv4', renderString(cidr)]] as [string, string][]) : []),
      ...(element.description
        ? ([['description', renderString(String(element.description))]] as [string, string][])
        : []),
    ];
  } else {
    type = 'aws_security_group_rule';
    body = [
      ['type', renderString(direction)],
      ['security_group_id', groupReference],
      ['protocol', renderString(protocol)],
      ['from_port', String(element.from_port ?? 0)],
      ['to_port', String(element.to_port ?? 0)],
      ...(['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids'] as const)
        .filter((key) => !isEmpty(element[key]))
        .map((key) => [key, renderValue(element[key] as HclValue)] as [string, string]),
      ...(!isEmpty(element.security_groups)
        ? ([
            [
              'source_security_group_id',
              renderString(((element.security_groups as string[]) ?? [])[0]!),
            ],
          ] as [string, string][])
        : []),
      ...(element.self ? ([['self', 'true']] as [string, string][]) : []),
      ...(element.description
        ? ([['description', renderString(String(element.description))]] as [string, string][])
        : []),
    ];
  }
  const width = Math.max(...body.map(([key]) => key.length));
  const block = `\nresource "${type}" "${name}" {\n${body.map(([key, value]) => `  ${key.padEnd(width)} = ${value}`).join('\n')}\n}\n`;
  const at = lineEndOf(text, anchor.range.end);
  return {
    edit: { file: group.block.file, start: at, end: at, text: block },
    address: `${type}.${name}`,
  };
}

// ---------------------------------------------------------------------------

function hasDynamicBlock(declaration: ResourceDeclaration, type: string): HclBlock | undefined {
  return declaration.block.blocks.find(
    (block) => block.type === 'dynamic' && block.labels[0] === type,
  );
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
    addRefusal({
      path: '',
      reason: 'the resource is declared inside a module; change the module or its inputs by hand',
    });
    return plan;
  }
  const declaration = findResource(context.stack, drift.address);
  if (!declaration) {
    addRefusal({
      path: '',
      reason: `no resource block for ${drift.address} in ${context.stack.dir}`,
    });
    return plan;
  }
  const where = { file: declaration.block.file, line: declaration.block.range.line };
  if (/\[[^\]]*\]$/.test(drift.address) || declaration.count || declaration.forEach) {
    const meta = declaration.count
      ? `count = ${declaration.count.text}`
      : declaration.forEach
        ? `for_each = ${declaration.forEach.text}`
        : 'count/for_each';
    addRefusal({
      path: '',
      reason: `the block defines several instances (${meta}); an edit would change all of them — codify ${drift.address} by hand`,
      ...where,
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

  const changedTags = new Set(
    drift.changes
      .filter((change) => change.path[0] === 'tags')
      .map((change) => formatPath(change.path.slice(1))),
  );
  const ruleResourcesOfGroup = context.stack.resources.filter(
    (resource) =>
      SECURITY_GROUP_RULE_TYPES.has(resource.type) &&
      fileText(context, resource.block.file)
        .slice(resource.block.range.start, resource.block.range.end)
        .includes(`${drift.address}.id`),
  );

  const steps: Step[] = [];
  for (const change of drift.changes) {
    const changePath = formatPath(change.path);
    const [head, second] = change.path;
    if (change.sensitive) {
      steps.push(
        refuse(
          'the value is sensitive; driftgate never writes secrets into code',
          where,
          changePath,
        ),
      );
      continue;
    }
    if (typeof head !== 'string') continue;
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
    const dynamic = hasDynamicBlock(declaration, head);
    if (dynamic) {
      steps.push(
        refuse(
          `${head} is generated by a dynamic block; change its for_each input by hand`,
          { file: dynamic.file, line: dynamic.range.line },
          changePath,
        ),
      );
      continue;
    }
    const nestedBlocks = declaration.block.blocks.filter((block) => block.type === head);
    const attribute = attributeOf(declaration.block, head);
    const isRuleSet =
      drift.type === 'aws_security_group' && (head === 'ingress' || head === 'egress');

    if (
      isRuleSet &&
      nestedBlocks.length === 0 &&
      !attribute &&
      (ruleResourcesOfGroup.length > 0 || change.recorded === null)
    ) {
      if (isWholeElement(change) && change.recorded === null && change.live) {
        const useVpcRules =
          ruleResourcesOfGroup.length > 0 &&
          ruleResourcesOfGroup.every((resource) =>
            resource.type.startsWith('aws_vpc_security_group_'),
          );
        const element = change.live as Record<string, unknown>;
        const exists = ruleResourcesOfGroup.some((resource) => {
          const values = blockValues(context, resource.block);
          return (
            (values.get('type') ?? head) === head &&
            equivalent(
              values.get('protocol') ?? values.get('ip_protocol'),
              element.protocol,
              'protocol',
            ) &&
            equivalent(values.get('from_port') ?? 0, element.from_port) &&
            equivalent(
              values.get('cidr_blocks') ??
                (values.get('cidr_ipv4') ? [values.get('cidr_ipv4')] : []),
              element.cidr_blocks,
            )
          );
        });
        if (exists) {
          steps.push({ unchanged: changePath });
          continue;
        }
        const created = newRuleResource(context, declaration, head, element, useVpcRules);
        plan.addedResources.push(created.address);
        steps.push({ edit: created.edit });
      } else {
        steps.push(
          refuse(
            `the group's rules are separate resources; change ${changePath} on the rule resource by hand`,
            where,
            changePath,
          ),
        );
      }
      continue;
    }

    if (nestedBlocks.length > 0 || (isRuleSet && !attribute)) {
      if (isWholeElement(change))
        steps.push(...ensureBlockElement(context, declaration, head, change));
      else if (change.path.length >= 3 && typeof second === 'number')
        steps.push(editInsideBlockElement(context, declaration, head, change));
      else
        steps.push(
          refuse(`${head} is written as nested blocks; change it by hand`, where, changePath),
        );
      continue;
    }

    if (change.setElement) {
      steps.push(
        refuse(
          `cannot codify the ${change.setElement} ${head} element automatically`,
          where,
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
    steps.push(refuse(`cannot codify ${changePath} automatically`, where, changePath));
  }

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

/**
 * Planning edits of values: an attribute's expression (wherever its value is written:
 * literal, tfvars, variable default, local), a set written as a tuple, one key of a map,
 * and an attribute the code does not write yet. Pure.
 */
import type {
  HclAttribute,
  HclBlock,
  HclExpression,
  HclValue,
} from '../../terraform/hcl-syntax.js';
import { evaluate, originOf, usageCount, type EvaluationContext } from './evaluate.js';
import { indentAt, renderKey, renderValue } from './hcl-format.js';
import {
  fileText,
  equivalent,
  lineEndOf,
  lineStartOf,
  refuse,
  scalarText,
  whereExpression,
  type Step,
  type TextEdit,
} from './plan-common.js';

/** Make an attribute's expression evaluate to `live`, editing wherever the value is written. */
export function ensureExpressionValue(
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
          whereExpression(file, expression),
          options.changePath,
        );
      }
      const target = origin.kind === 'tfvars' ? origin.assignment.expression : origin.expression;
      const targetFile = origin.kind === 'tfvars' ? origin.assignment.file : origin.file;
      if (target.kind === 'reference' || evaluate(target, targetFile, context) === undefined) {
        return refuse(
          `${traversal} is not a literal value`,
          whereExpression(targetFile, target),
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
        whereExpression(file, expression),
        options.changePath,
      );
  }
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

/** `name = value` added after the block's last single-line attribute (or at the top of its body). */
export function insertAttribute(
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
  if (!text.slice(block.bodyRange.start, block.bodyRange.end).includes('\n')) {
    // `name {}` on one line: open it up.
    return {
      file: block.file,
      start: block.bodyRange.start,
      end: block.bodyRange.end,
      text: `\n${line}${indentAt(text, block.range.start)}`,
    };
  }
  const at = lineEndOf(text, block.bodyRange.start);
  return { file: block.file, start: at, end: at, text: line };
}

function itemText(text: string, item: { range: { start: number; end: number } }): string {
  return text.slice(item.range.start, item.range.end).replace(/,\s*$/, '');
}

/** Make one key of a map literal say `live` (null: remove the key). */
export function ensureMapKey(
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
    const why = origin.kind === 'computed' ? origin.why : `it comes from ${expression.text}`;
    return refuse(
      `\`${attribute.name}\` is not written as a map literal here (${why}); set key ${JSON.stringify(key)} in \`${expression.text}\` by hand`,
      whereExpression(file, expression),
      changePath,
    );
  }
  const text = fileText(context, file);
  const item = expression.items.find((candidate) => candidate.key === key);
  if (live === null) {
    if (!item) return { unchanged: changePath };
    const others = expression.items.filter((candidate) => candidate !== item);
    if (others.length === 0)
      // The only key: an empty map still says "manage the tags, there are none".
      return {
        edit: { file, start: expression.range.start, end: expression.range.end, text: '{}' },
      };
    if (!expression.text.includes('\n'))
      return {
        edit: {
          file,
          start: expression.range.start,
          end: expression.range.end,
          text: `{ ${others.map((other) => itemText(text, other)).join(', ')} }`,
        },
      };
    const start = lineStartOf(text, item.range.start);
    const end = lineEndOf(text, item.range.end);
    if (
      text.slice(start, item.range.start).trim() !== '' ||
      text.slice(item.range.end, end).trim().replace(/^,/, '').trim() !== ''
    ) {
      return refuse(
        `the key ${JSON.stringify(key)} shares its line with other code; remove it by hand`,
        whereExpression(file, expression),
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
    if (!inner) {
      // `tags = {}`: written out as fmt would write a new map, one key a line.
      const indent = indentAt(text, expression.range.start);
      return {
        edit: {
          file,
          start: expression.range.start,
          end: expression.range.end,
          text: `{\n${indent}  ${entry}\n${indent}}`,
        },
      };
    }
    return {
      edit: {
        file,
        start: expression.range.start,
        end: expression.range.end,
        text: `{ ${inner}, ${entry} }`,
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

/**
 * What every part of the codify planner shares: the edit and refusal types, the step a
 * planner function returns, and small pure helpers over source text and values.
 */
import { normaliseProtocol } from '../../providers/aws/security-group-rules.js';
import type { HclBlock, HclExpression } from '../../terraform/hcl-syntax.js';
import type { EvaluationContext } from './evaluate.js';

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

export type Step =
  { edit: TextEdit } | { refusal: Omit<CodifyRefusal, 'address'> } | { unchanged: string };

export interface Where {
  file: string;
  line?: number;
  expression?: string;
}

export function fileText(context: EvaluationContext, path: string): string {
  const file = context.stack.files.find((candidate) => candidate.path === path);
  const text = file?.text ?? context.tfvarsTexts.get(path);
  if (text === undefined) throw new Error(`file ${path} is not part of the stack`);
  return text;
}

export function refuse(reason: string, where: Where, path = ''): Step {
  return { refusal: { path, reason, ...where } };
}

/** Where a block starts, named by its header (`ingress`, `resource "aws_vpc" "main"`). */
export function whereBlock(block: HclBlock): Where {
  const header = [block.type, ...block.labels.map((label) => JSON.stringify(label))].join(' ');
  return { file: block.file, line: block.range.line, expression: header };
}

export function whereExpression(file: string, expression: HclExpression): Where {
  return { file, line: expression.range.line, expression: expression.text };
}

export function isEmpty(value: unknown): boolean {
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

export function scalarText(value: unknown): string {
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

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}

/**
 * Reading tree-sitter's HCL syntax tree into driftgate's model (hcl-syntax.ts): blocks,
 * attributes and expressions with their exact source ranges, literal values decoded,
 * anything Terraform must evaluate kept as text with the references it mentions.
 */
import type { Node } from 'web-tree-sitter';
import { DriftgateError } from '../errors.js';
import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclExpression,
  HclObjectItem,
  SourceRange,
} from './hcl-syntax.js';

/** An expression's range and text: what every expression kind has. */
export interface ExpressionBase {
  range: SourceRange;
  text: string;
}

/** Offset of the first character of every line. */
export function lineStarts(text: string): number[] {
  return lineStartsBetween(text, 0, text.length);
}

/** Line starts of `text` from `from` (itself a line start) to `end`: a region's, or a window's. */
export function lineStartsBetween(text: string, from: number, end: number): number[] {
  const starts = [from];
  for (let at = text.indexOf('\n', from); at >= 0 && at < end; at = text.indexOf('\n', at + 1))
    starts.push(at + 1);
  return starts;
}

/** 1-based line and column of an offset, from `lineStarts`. */
export function positionOf(
  lines: readonly number[],
  offset: number,
  /** The line number of `lines[0]`: 1 for a whole file's, more for a region's. */
  firstLine = 1,
): { line: number; column: number } {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lines[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + firstLine, column: offset - lines[low]! + 1 };
}

export class CstReader {
  /**
   * `text` is what tree-sitter parsed; it starts at `base` in the file whose line starts
   * are `lines` (the first of them line `firstLine`), and every range is given in the
   * file's coordinates.
   */
  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly lines: readonly number[],
    private readonly base = 0,
    private readonly firstLine = 1,
  ) {}

  // Every property of a web-tree-sitter node but its start is a call into WebAssembly
  // (`type`, `endIndex`, `text`, `namedChildren`): the reader asks each node once.
  range(node: Node): SourceRange {
    return this.rangeBetween(node.startIndex, node.endIndex);
  }

  /** The node's range and text, its end asked for once. */
  extent(node: Node): ExpressionBase {
    const start = node.startIndex;
    const end = node.endIndex;
    return { range: this.rangeBetween(start, end), text: this.text.slice(start, end) };
  }

  rangeBetween(start: number, end: number): SourceRange {
    const at = this.base + start;
    return { start: at, end: this.base + end, ...positionOf(this.lines, at, this.firstLine) };
  }

  body(node: Node): HclBody {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (const child of node.namedChildren) {
      const type = child?.type;
      if (type === 'attribute') attributes.push(this.attribute(child!));
      else if (type === 'block') blocks.push(this.block(child!));
    }
    return { attributes, blocks };
  }

  attribute(node: Node): HclAttribute {
    let name: Node | undefined;
    let expression: Node | undefined;
    for (const child of node.namedChildren) {
      const type = child?.type;
      if (type === 'identifier') name ??= child!;
      else if (type === 'expression') expression ??= child!;
    }
    return {
      name: this.extent(name!).text,
      value: this.expression(expression!),
      range: this.range(node),
    };
  }

  block(node: Node): HclBlock {
    const named = node.namedChildren.filter((n): n is Node => n !== null);
    const type = this.extent(named[0]!).text;
    const labels: string[] = [];
    let open: Node | undefined;
    let close: Node | undefined;
    let bodyNode: Node | undefined;
    let inLabels = true;
    for (const child of named.slice(1)) {
      const childType = child.type;
      // A comment between the labels (`resource /* why */ "a" "b"`) is not one, as in Terraform.
      if (childType === 'comment') continue;
      if (inLabels && childType === 'string_lit') labels.push(this.stringLiteral(child));
      else if (inLabels && childType === 'identifier') labels.push(this.extent(child).text);
      else {
        inLabels = false;
        if (childType === 'block_start') open ??= child;
        else if (childType === 'block_end') close ??= child;
        else if (childType === 'body') bodyNode ??= child;
      }
    }
    const body = bodyNode ? this.body(bodyNode) : { attributes: [], blocks: [] };
    return {
      type,
      labels,
      file: this.path,
      range: this.range(node),
      bodyRange: this.rangeBetween(open!.endIndex, close!.startIndex),
      ...body,
    };
  }

  expression(node: Node): HclExpression {
    const base = this.extent(node);
    const parts: Node[] = [];
    const partTypes: string[] = [];
    for (const child of node.namedChildren) {
      const type = child?.type;
      if (type === undefined || type === 'comment') continue;
      parts.push(child!);
      partTypes.push(type);
    }
    const first = parts[0];
    if (!first) return { ...base, kind: 'computed', references: [] };
    if (parts.length === 1) {
      switch (partTypes[0]) {
        case 'literal_value':
          return { ...base, kind: 'literal', value: this.literal(first), heredoc: false };
        case 'collection_value':
          return this.collection(first, base);
        case 'template_expr': {
          const heredoc = first.namedChildren.find((n) => n?.type === 'heredoc_template');
          if (heredoc && !hasInterpolation(heredoc)) {
            return { ...base, kind: 'literal', value: this.heredocValue(heredoc), heredoc: true };
          }
          break;
        }
        case 'function_call': {
          const name = first.namedChildren.find((n) => n?.type === 'identifier')?.text ?? '';
          const args = (
            first.namedChildren.find((n) => n?.type === 'function_arguments')?.namedChildren ?? []
          )
            .filter((n): n is Node => n?.type === 'expression')
            .map((n) => this.expression(n));
          return {
            ...base,
            kind: 'computed',
            references: collectReferences(node),
            call: { name, args },
          };
        }
        case 'expression':
          // Parentheses wrap an inner expression; keep the outer text and range.
          return { ...this.expression(first), ...base };
        case 'operation': {
          // A negative number is a unary minus on a numeric literal in the grammar.
          const unary = first.namedChildren[0];
          const operand = unary?.namedChildren[0];
          if (
            unary?.type === 'unary_operation' &&
            unary.text.trim().startsWith('-') &&
            operand?.type === 'literal_value' &&
            operand.namedChildren[0]?.type === 'numeric_lit'
          ) {
            return { ...base, kind: 'literal', value: -Number(operand.text), heredoc: false };
          }
          break;
        }
      }
    }
    if (partTypes[0] === 'variable_expr' && parts.slice(1).every(isStaticTraversalStep)) {
      return { ...base, kind: 'reference', traversal: normaliseTraversal(base.text) };
    }
    return { ...base, kind: 'computed', references: collectReferences(node) };
  }

  collection(node: Node, base: ExpressionBase): HclExpression {
    const inner = node.namedChildren[0]!;
    if (inner.type === 'tuple') {
      const items = inner.namedChildren
        .filter((n): n is Node => n?.type === 'expression')
        .map((n) => this.expression(n));
      return { ...base, kind: 'tuple', items };
    }
    const items: HclObjectItem[] = [];
    for (const element of inner.namedChildren) {
      if (element?.type !== 'object_elem') continue;
      const keyNode = element.childForFieldName('key')!;
      const valueNode = element.childForFieldName('val')!;
      items.push({
        key: this.objectKey(keyNode),
        keyRange: this.range(keyNode),
        value: this.expression(valueNode),
        range: this.range(element),
      });
    }
    return { ...base, kind: 'object', items };
  }

  objectKey(node: Node): string | null {
    const parts = node.namedChildren.filter((n): n is Node => n !== null);
    if (parts.length === 1 && parts[0]!.type === 'variable_expr') return parts[0]!.text;
    // A bare keyword key is its name, as in Terraform: `{ null = 1 }` has the key "null".
    const keyword = parts.length === 1 ? parts[0]!.namedChildren[0] : undefined;
    if (keyword?.type === 'null_lit' || keyword?.type === 'bool_lit') return keyword.text;
    const expression = this.expression(node);
    if (expression.kind === 'literal' && typeof expression.value === 'string')
      return expression.value;
    return null;
  }

  literal(node: Node): string | number | boolean | null {
    const inner = node.namedChildren[0]!;
    switch (inner.type) {
      case 'numeric_lit':
        return Number(inner.text);
      case 'bool_lit':
        return inner.text === 'true';
      case 'null_lit':
        return null;
      case 'string_lit':
        return this.stringLiteral(inner);
      default:
        throw new DriftgateError(`unsupported literal ${inner.type}`, {
          file: this.path,
          ...positionOf(this.lines, this.base + inner.startIndex, this.firstLine),
        });
    }
  }

  stringLiteral(node: Node): string {
    // Between the quotes, raw: the grammar gives no template_literal for whitespace-only strings.
    let open: Node | undefined;
    let close: Node | undefined;
    for (const child of node.namedChildren) {
      const type = child?.type;
      if (type === 'quoted_template_start') open ??= child!;
      else if (type === 'quoted_template_end') close ??= child!;
    }
    if (!open || !close) return '';
    try {
      return unescapeQuoted(this.text.slice(open.endIndex, close.startIndex));
    } catch (error) {
      if (!(error instanceof InvalidEscapeError)) throw error;
      throw new DriftgateError(
        `invalid escape sequence ${error.message}: not a character UTF-8 can encode`,
        { file: this.path, ...positionOf(this.lines, this.base + node.startIndex, this.firstLine) },
      );
    }
  }

  heredocValue(node: Node): string {
    const start = node.namedChildren.find((n) => n?.type === 'heredoc_start')!;
    const identifiers = node.namedChildren.filter((n) => n?.type === 'heredoc_identifier');
    const open = identifiers[0]!;
    const close = identifiers[identifiers.length - 1]!;
    // The body runs from the line after the opening marker to the closing marker's line.
    const bodyStart = this.text.indexOf('\n', open.endIndex) + 1;
    const closeLineStart = this.text.lastIndexOf('\n', close.startIndex - 1) + 1;
    const raw = this.text.slice(bodyStart, closeLineStart);
    const value = raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    return start.text.startsWith('<<-') ? stripHeredocIndent(value) : value;
  }
}

function hasInterpolation(node: Node): boolean {
  return node.descendantsOfType(['template_interpolation', 'template_directive']).length > 0;
}

function isStaticTraversalStep(node: Node): boolean {
  if (node.type === 'get_attr') return true;
  if (node.type === 'index') {
    return node.descendantsOfType(['variable_expr', 'function_call']).length === 0;
  }
  return false;
}

function normaliseTraversal(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Root traversals (`var.x`, `local.y`, `aws_vpc.main.id`) mentioned anywhere in an expression. */
function collectReferences(node: Node): string[] {
  const found = new Set<string>();
  for (const variable of node.descendantsOfType('variable_expr')) {
    if (!variable) continue;
    let traversal = variable.text;
    let next = variable.nextNamedSibling;
    while (next && next.type === 'get_attr') {
      traversal += next.text.replace(/\s+/g, '');
      next = next.nextNamedSibling;
    }
    found.add(traversal);
  }
  return [...found].sort();
}

/** An escape naming no character UTF-8 can encode (past U+10FFFF, or a surrogate): Terraform refuses it. */
export class InvalidEscapeError extends Error {}

/** HCL quoted-string escapes: \n \r \t \" \\ \uNNNN \UNNNNNNNN, and $${ / %%{ for literal ${ / %{. */
export function unescapeQuoted(raw: string): string {
  // Most strings hold no escape: skip the replacements (3% of reading a stack).
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  return raw
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_match, escape: string) => {
      switch (escape[0]) {
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'u':
        case 'U': {
          const code = parseInt(escape.slice(1), 16);
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            throw new InvalidEscapeError(`\\${escape}`);
          return String.fromCodePoint(code);
        }
        default:
          return escape;
      }
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** `<<-` heredocs drop the smallest common leading whitespace of their lines. */
function stripHeredocIndent(value: string): string {
  const lines = value.split('\n');
  const content = lines.filter((line) => line.trim() !== '');
  const indent = Math.min(...content.map((line) => line.length - line.trimStart().length));
  if (!Number.isFinite(indent) || indent === 0) return value;
  return lines
    .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
    .join('\n');
}

/**
 * Lossless HCL syntax: tree-sitter's HCL grammar (run as WebAssembly through
 * web-tree-sitter) gives every block, attribute and expression with its exact source
 * range, so later edits can touch only the bytes they mean to. Literal values are
 * decoded here; anything that needs evaluation (references, function calls, templates
 * with interpolation) is kept as text with the references it mentions.
 *
 * hcl2-parser (HashiCorp's own HCL implementation compiled to JavaScript) is the
 * second opinion, on request (`verify`): it costs 6–30 µs a byte, so reading a stack does
 * not ask it; codify asks it about every block it edits (remediation/codify), and the
 * tests about every file of the project's HCL corpus.
 */
import { parseWithHashicorp } from './hashicorp-parser.js';
import { hclGrammarPath } from './hcl-grammar-path.js';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { DriftgateError } from '../errors.js';
import { MAX_HCL_FILE_CHARS, MAX_HCL_TREE_DEPTH } from '../input-limits.js';

export interface SourceRange {
  /** Offsets into the file text (UTF-16 code units, as JavaScript strings index). */
  start: number;
  end: number;
  /** 1-based line and column of `start`, for messages. */
  line: number;
  column: number;
}

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };

interface ExpressionBase {
  range: SourceRange;
  text: string;
}

export type HclExpression =
  | (ExpressionBase & {
      kind: 'literal';
      value: string | number | boolean | null;
      heredoc: boolean;
    })
  | (ExpressionBase & { kind: 'tuple'; items: HclExpression[] })
  | (ExpressionBase & { kind: 'object'; items: HclObjectItem[] })
  /** A plain traversal such as `var.region`, `local.tags`, `aws_vpc.main.id`. */
  | (ExpressionBase & { kind: 'reference'; traversal: string })
  /**
   * Anything Terraform must evaluate: calls, operators, templates, conditionals, for. A
   * function call keeps its name and arguments (codify reads `jsonencode({...})`).
   */
  | (ExpressionBase & { kind: 'computed'; references: string[]; call?: HclFunctionCall });

export interface HclFunctionCall {
  name: string;
  args: HclExpression[];
}

export interface HclObjectItem {
  /** The key as a string when it is a literal (bare identifier or quoted string). */
  key: string | null;
  keyRange: SourceRange;
  value: HclExpression;
  range: SourceRange;
}

export interface HclAttribute {
  name: string;
  value: HclExpression;
  range: SourceRange;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclBlock extends HclBody {
  type: string;
  labels: string[];
  file: string;
  range: SourceRange;
  /** Range of the body between the braces (empty range for `{}`). */
  bodyRange: SourceRange;
}

export interface HclFile extends HclBody {
  path: string;
  text: string;
}

let parserPromise: Promise<Parser> | undefined;

/** The tree-sitter parser, initialised once per process (loading WebAssembly is async). */
export function loadHclParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const language = await Language.load(hclGrammarPath());
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface ParseOptions {
  /**
   * Also require HashiCorp's parser (hcl2-parser) to accept the file (off by default). It is
   * the reference, but slow (6–30 µs a byte), so reading a stack does not ask it: codify
   * checks the blocks it edits with it instead (see remediation/codify), and the tests run
   * it over every HCL file of the project.
   */
  verify?: boolean;
}

/** Parse one HCL file. Throws a DriftgateError with file:line:column on a syntax error. */
export async function parseHcl(
  path: string,
  text: string,
  options: ParseOptions = {},
): Promise<HclFile> {
  checkHclSize(path, text);
  return parseHclWith(await loadHclParser(), path, text, options);
}

/** Files over the size driftgate reads are refused before any parse. */
export function checkHclSize(path: string, text: string): void {
  if (text.length > MAX_HCL_FILE_CHARS) {
    throw new DriftgateError(
      `file too large: ${text.length} characters; driftgate reads Terraform files up to ${MAX_HCL_FILE_CHARS} (1 MiB)`,
      { file: path },
    );
  }
}

/** `parseHcl` with the parser loaded: synchronous, for bodies read on first use (hcl-lazy.ts). */
export function parseHclWith(
  parser: Parser,
  path: string,
  text: string,
  options: ParseOptions = {},
): HclFile {
  checkHclSize(path, text);
  const tree = parser.parse(text);
  if (!tree) throw new DriftgateError('the HCL parser returned no tree', { file: path });
  try {
    const lines = lineStarts(text);
    const tooDeep = firstNodeDeeperThan(tree.rootNode, MAX_HCL_TREE_DEPTH);
    if (tooDeep) {
      throw new DriftgateError(
        `nested too deeply: the syntax tree is more than ${MAX_HCL_TREE_DEPTH} levels deep here (about 60 levels of brackets, braces, calls or blocks); driftgate refuses such files`,
        { file: path, ...positionOf(lines, tooDeep.startIndex) },
      );
    }
    const problem = firstSyntaxProblem(tree.rootNode);
    if (problem) {
      const at = positionOf(lines, problem.startIndex);
      const snippet = text.slice(problem.startIndex, problem.endIndex).split('\n')[0]!.slice(0, 40);
      const message = problem.isMissing
        ? `syntax error: missing ${JSON.stringify(problem.type)}`
        : snippet.trim()
          ? `syntax error near ${JSON.stringify(snippet.trim())}`
          : 'syntax error: unexpected end of file';
      throw new DriftgateError(message, { file: path, ...at });
    }
    const hashicorp = options.verify ? parseWithHashicorp(text) : undefined;
    if (hashicorp?.kind === 'rejected') {
      throw new DriftgateError("HashiCorp's HCL parser rejects this file", { file: path });
    }
    if (hashicorp?.kind === 'too-deep') {
      throw new DriftgateError("nested too deeply for HashiCorp's HCL parser", { file: path });
    }
    const reader = new CstReader(path, text, lines);
    const bodyNode = tree.rootNode.namedChildren.find((n) => n?.type === 'body');
    const body = bodyNode ? reader.body(bodyNode) : { attributes: [], blocks: [] };
    return { path, text, ...body };
  } finally {
    tree.delete();
  }
}

/**
 * The first node (in source order) deeper than `limit`, found with a cursor (no recursion).
 * A subtree of n nodes is at most n - 1 levels deeper than its root, and tree-sitter knows
 * every subtree's size, so only subtrees larger than the depth left to the limit are
 * walked: for real files that is the file's top level, not its every node (walking every
 * node was a fifth of reading a stack).
 */
function firstNodeDeeperThan(root: Node, limit: number): Node | undefined {
  const cursor = root.walk();
  try {
    let depth = 0;
    for (;;) {
      if (depth > limit) return cursor.currentNode;
      const mayHoldTooDeep = depth + cursor.currentNode.descendantCount - 1 > limit;
      if (mayHoldTooDeep && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Read the top-level items of `text.slice(start, end)` alone, with ranges in `text`'s
 * coordinates: the bytes an edit changed, cut at top-level item boundaries, so a file is
 * not re-read whole for a small edit. Undefined when the slice has a syntax error (the
 * caller re-reads the whole file for the exact message).
 */
export async function parseHclRegion(
  path: string,
  text: string,
  lines: readonly number[],
  start: number,
  end: number,
): Promise<HclBody | undefined> {
  return readHclRegion(await loadHclParser(), path, text, lines, start, end);
}

/** `parseHclRegion` with the parser loaded (synchronous). */
export function readHclRegion(
  parser: Parser,
  path: string,
  text: string,
  lines: readonly number[],
  start: number,
  end: number,
): HclBody | undefined {
  const region = text.slice(start, end);
  const tree = parser.parse(region);
  if (!tree) return undefined;
  try {
    if (firstNodeDeeperThan(tree.rootNode, MAX_HCL_TREE_DEPTH) || firstSyntaxProblem(tree.rootNode))
      return undefined;
    const reader = new CstReader(path, region, lines, start);
    const bodyNode = tree.rootNode.namedChildren.find((n) => n?.type === 'body');
    return bodyNode ? reader.body(bodyNode) : { attributes: [], blocks: [] };
  } finally {
    tree.delete();
  }
}

function firstSyntaxProblem(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    if (!child) continue;
    const found = firstSyntaxProblem(child);
    if (found) return found;
  }
  return node;
}

/** Offset of the first character of every line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset, from `lineStarts`. */
export function positionOf(
  lines: readonly number[],
  offset: number,
): { line: number; column: number } {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lines[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lines[low]! + 1 };
}

class CstReader {
  /**
   * `text` is what tree-sitter parsed; it starts at `base` in the file whose line starts
   * are `lines`, and every range is given in the file's coordinates.
   */
  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly lines: readonly number[],
    private readonly base = 0,
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
    return { start: at, end: this.base + end, ...positionOf(this.lines, at) };
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
          ...positionOf(this.lines, this.base + inner.startIndex),
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
    return unescapeQuoted(this.text.slice(open.endIndex, close.startIndex));
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
        case 'U':
          return String.fromCodePoint(parseInt(escape.slice(1), 16));
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

/**
 * The value of an expression when it is fully literal (strings, numbers, bools, null and
 * tuples/objects of those), else undefined.
 */
export function literalValueOf(expression: HclExpression): HclValue | undefined {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'tuple': {
      const values: HclValue[] = [];
      for (const item of expression.items) {
        const value = literalValueOf(item);
        if (value === undefined) return undefined;
        values.push(value);
      }
      return values;
    }
    case 'object': {
      const values: { [key: string]: HclValue } = {};
      for (const item of expression.items) {
        const value = literalValueOf(item.value);
        if (item.key === null || value === undefined) return undefined;
        values[item.key] = value;
      }
      return values;
    }
    default:
      return undefined;
  }
}

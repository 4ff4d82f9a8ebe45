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
import { CstReader, lineStarts, positionOf, type ExpressionBase } from './hcl-cst.js';

export { lineStarts, lineStartsBetween, positionOf, unescapeQuoted } from './hcl-cst.js';

export interface SourceRange {
  /** Offsets into the file text (UTF-16 code units, as JavaScript strings index). */
  start: number;
  end: number;
  /** 1-based line and column of `start`, for messages. */
  line: number;
  column: number;
}

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue };

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
export function readHclRegion(
  parser: Parser,
  path: string,
  text: string,
  lines: readonly number[],
  start: number,
  end: number,
  firstLine = 1,
): HclBody | undefined {
  const region = text.slice(start, end);
  const tree = parser.parse(region);
  if (!tree) return undefined;
  try {
    if (firstNodeDeeperThan(tree.rootNode, MAX_HCL_TREE_DEPTH) || firstSyntaxProblem(tree.rootNode))
      return undefined;
    const reader = new CstReader(path, region, lines, start, firstLine);
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

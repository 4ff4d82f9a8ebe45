/**
 * The top-level blocks of an HCL file, found by a lexical scan instead of a syntax tree:
 * each block's type, labels and where its braces are. tree-sitter costs ~2 µs a syntax
 * node (a 1 MB stack is ~340,000 nodes, 0.6 s), while a scan of the characters costs a
 * few milliseconds a megabyte; a command that edits a few blocks of a large stack reads
 * the others' bodies only when asked (hcl-syntax.ts `outlineHcl`).
 *
 * The scan is conservative: it knows comments, quoted strings with their template
 * sequences, heredocs and brackets, and answers `undefined` for anything else at the top
 * level (an attribute, an unbalanced bracket, a string across lines, a label with a
 * template, a character outside ASCII in a name): the caller then reads the file whole
 * with tree-sitter, which gives the exact syntax error when there is one.
 */
import { unescapeQuoted } from './hcl-cst.js';

export interface OutlinedBlock {
  type: string;
  labels: string[];
  /** Offset of the block type's first character. */
  start: number;
  /** Offset of the opening `{`. */
  open: number;
  /** Offset of the closing `}` (the block ends just after it). */
  close: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;

const isNameStart = (code: number) =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isNamePart = (code: number) => isNameStart(code) || (code >= 48 && code <= 57) || code === 45;

/** The file's top-level blocks in order, or undefined when it is not only blocks the scan can follow. */
export function outlineBlocks(text: string): OutlinedBlock[] | undefined {
  const blocks: OutlinedBlock[] = [];
  let at = 0;
  for (;;) {
    at = skipSpaceAndComments(text, at, true);
    if (at === -1) return undefined;
    if (at >= text.length) return blocks;
    const block = headerAt(text, at);
    if (!block) return undefined;
    const close = closeOfBody(text, block.open + 1);
    if (close === -1) return undefined;
    // A block ends its line: only spaces and a comment may follow its `}` there.
    const after = skipSpaceAndComments(text, close + 1, false);
    if (after === -1 || (after < text.length && text.charCodeAt(after) !== NEWLINE))
      return undefined;
    blocks.push({ ...block, close });
    at = after;
  }
}

/** `type "label" label {` at `at`: the block's name, labels and the offset of `{`. */
function headerAt(text: string, start: number): Omit<OutlinedBlock, 'close'> | undefined {
  let at = nameEnd(text, start);
  if (at === start) return undefined;
  const type = text.slice(start, at);
  const labels: string[] = [];
  for (;;) {
    at = skipSpaceAndComments(text, at, false);
    if (at === -1 || at >= text.length) return undefined;
    const code = text.charCodeAt(at);
    if (code === 123 /* { */) return { type, labels, start, open: at };
    if (code === 34 /* " */) {
      const end = plainStringEnd(text, at + 1);
      if (end === -1) return undefined;
      try {
        labels.push(unescapeQuoted(text.slice(at + 1, end)));
      } catch {
        return undefined; // an escape Terraform refuses: the whole read names it
      }
      at = end + 1;
    } else {
      const end = nameEnd(text, at);
      if (end === at) return undefined;
      labels.push(text.slice(at, end));
      at = end;
    }
  }
}

function nameEnd(text: string, start: number): number {
  if (!isNameStart(text.charCodeAt(start))) return start;
  let at = start + 1;
  while (at < text.length && isNamePart(text.charCodeAt(at))) at++;
  return at;
}

/** The characters HCL allows after a backslash in a quoted string, and how many follow. */
const ESCAPES: Record<string, RegExp> = {
  n: /^/,
  r: /^/,
  t: /^/,
  '"': /^/,
  '\\': /^/,
  u: /^[0-9a-fA-F]{4}/,
  U: /^[0-9a-fA-F]{8}/,
};

/** The closing quote of a label: only HCL's escapes, no template sequence, no line break (else -1). */
function plainStringEnd(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 92 /* \ */) {
      const escape = ESCAPES[text[at + 1] ?? ''];
      const digits = escape?.exec(text.slice(at + 2, at + 10));
      if (!digits) return -1;
      at += 1 + digits[0].length;
    } else if (code === 34) return at;
    else if (code === NEWLINE || code === CARRIAGE_RETURN) return -1;
    else if ((code === 36 || code === 37) && text.charCodeAt(at + 1) === 123) {
      // `$${` and `%%{` are literal; `${` and `%{` would make the label a template.
      if (text.charCodeAt(at - 1) !== code) return -1;
    }
  }
  return -1;
}

/**
 * Spaces, tabs and comments from `at` (line breaks too when `newlines`): the offset after
 * them, or -1 for a comment that never ends.
 */
function skipSpaceAndComments(text: string, from: number, newlines: boolean): number {
  let at = from;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === SPACE || code === TAB || code === CARRIAGE_RETURN) at++;
    else if (code === NEWLINE) {
      if (!newlines) return at;
      at++;
    } else if (code === 35 /* # */ || (code === 47 && text.charCodeAt(at + 1) === 47)) {
      const end = text.indexOf('\n', at);
      if (end === -1) return text.length;
      if (!newlines) return end;
      at = end + 1;
    } else if (code === 47 /* / */ && text.charCodeAt(at + 1) === 42 /* * */) {
      const end = text.indexOf('*/', at + 2);
      if (end === -1) return -1;
      at = end + 2;
    } else return at;
  }
  return at;
}

// What the body scan is inside of: brackets of the expression or body syntax, a quoted
// template, or a template sequence (`${ … }`, `%{ … }`) inside a quoted template.
const BRACE = 1;
const BRACKET = 2;
const PAREN = 3;
const QUOTED = 4;
const SEQUENCE = 5;

/**
 * The offset of the `}` that closes a body opened just before `from`, or -1 when the
 * brackets, strings, heredocs or comments on the way do not close as the scan expects.
 */
function closeOfBody(text: string, from: number): number {
  const open: number[] = [BRACE];
  let at = from;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    const inside = open[open.length - 1];
    if (inside === QUOTED) {
      if (code === 92) at += 2;
      else if (code === 34) {
        open.pop();
        at++;
      } else if (code === NEWLINE || code === CARRIAGE_RETURN) return -1;
      else if ((code === 36 || code === 37) && text.charCodeAt(at + 1) === 123) {
        open.push(SEQUENCE);
        at += 2;
      } else if ((code === 36 || code === 37) && text.charCodeAt(at + 1) === code) at += 2;
      else at++;
      continue;
    }
    switch (code) {
      case 34:
        open.push(QUOTED);
        at++;
        break;
      case 123:
        open.push(BRACE);
        at++;
        break;
      case 91:
        open.push(BRACKET);
        at++;
        break;
      case 40:
        open.push(PAREN);
        at++;
        break;
      case 125:
        if (inside !== BRACE && inside !== SEQUENCE) return -1;
        open.pop();
        if (open.length === 0) return at;
        at++;
        break;
      case 93:
        if (inside !== BRACKET) return -1;
        open.pop();
        at++;
        break;
      case 41:
        if (inside !== PAREN) return -1;
        open.pop();
        at++;
        break;
      case 35:
      case 47: {
        const next = skipSpaceAndComments(text, at, false);
        if (next === -1) return -1;
        // A lone `/` is division.
        at = next === at ? at + 1 : next;
        break;
      }
      case 60 /* < */:
        if (text.charCodeAt(at + 1) === 60) {
          const end = heredocEnd(text, at + 2);
          if (end === -1) return -1;
          at = end;
        } else at++;
        break;
      default:
        if (code > 126) return -1;
        at++;
    }
  }
  return -1;
}

/**
 * After `<<`: `-`, an identifier and a line break open a heredoc, which ends at the first
 * line that holds only the identifier (indentation allowed). Returns the offset after
 * that identifier, or -1.
 */
function heredocEnd(text: string, from: number): number {
  let at = from;
  if (text.charCodeAt(at) === 45) at++;
  const nameStart = at;
  at = nameEnd(text, at);
  if (at === nameStart) return -1;
  const marker = text.slice(nameStart, at);
  if (text.charCodeAt(at) === CARRIAGE_RETURN) at++;
  if (text.charCodeAt(at) !== NEWLINE) return -1;
  let lineStart = at + 1;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim() === marker) return lineStart + line.indexOf(marker) + marker.length;
    lineStart = lineEnd + 1;
  }
  return -1;
}

/**
 * YAML from people (the config, ledger front matter) into plain data. Every problem is a
 * DriftgateError at file:line:column: syntax errors, aliases naming no anchor, alias
 * bombs (a few lines that expand to millions of nodes), nesting deeper than driftgate
 * walks. The `yaml` library reports some of these by throwing from `toJS` without a
 * position; they are found here first, on the document, where positions are known.
 */
import { LineCounter, isAlias, parseDocument, visit, type Alias, type Document } from 'yaml';
import { DriftgateError, type ErrorLocation } from './errors.js';
import { MAX_YAML_ALIAS_COUNT, assertJsonDepth } from './input-limits.js';

export interface YamlInputOptions {
  /** Lines before `text` in the file (front matter starts after its `---` line). */
  lineOffset?: number;
}

export interface YamlInput {
  value: unknown;
  /** Where the node at `path` (a zod issue path) starts, for messages about it. */
  locate(path: readonly PropertyKey[]): ErrorLocation;
}

export function parseYamlInput(
  text: string,
  source: string,
  options: YamlInputOptions = {},
): YamlInput {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source, line: line + (options.lineOffset ?? 0), column: col };
  };
  const syntax = document.errors[0];
  if (syntax) {
    const message = syntax.message.split('\n')[0]!;
    throw new DriftgateError(
      /Maximum call stack/.test(message)
        ? 'YAML nested too deeply for driftgate to read'
        : `YAML syntax error: ${message.replace(/ at line \d+, column \d+:?$/, '')}`,
      at(syntax.pos[0]),
    );
  }
  const aliases = aliasesOf(document);
  const unresolved = aliases.find((alias) => alias.resolve(document) === undefined);
  if (unresolved) {
    throw new DriftgateError(
      `YAML alias *${unresolved.source} names no anchor defined before it`,
      at(unresolved.range?.[0] ?? 0),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    // The library's only remaining refusal: aliases expanding past maxAliasCount.
    const first = aliases[0];
    throw new DriftgateError(
      /alias/i.test((error as Error).message)
        ? `YAML aliases expand too much (an alias may expand at most ${MAX_YAML_ALIAS_COUNT} times its anchor's size); driftgate refuses such documents`
        : `YAML cannot be read: ${(error as Error).message.split('\n')[0]}`,
      at(first?.range?.[0] ?? 0),
    );
  }
  // Aliases can also build deep (even cyclic) values from a short text.
  assertJsonDepth(value, source);
  return {
    value,
    locate(path) {
      // The deepest node of the path that exists (a missing key is reported on its parent).
      for (let length = path.length; length > 0; length--) {
        const node: unknown = document.getIn(path.slice(0, length), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return at(range[0]);
      }
      return { file: source };
    },
  };
}

function aliasesOf(document: Document): Alias[] {
  const found: Alias[] = [];
  visit(document, {
    Alias(_key, node) {
      if (isAlias(node)) found.push(node);
    },
  });
  return found;
}

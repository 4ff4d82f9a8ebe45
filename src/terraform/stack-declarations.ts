/**
 * What a stack's blocks declare (stack.ts): resources with their lifecycle, count,
 * for_each and provider, variables, locals, modules, providers and the backend. A block
 * whose body is still unread (terraform/hcl-lazy.ts) declares its resource without being
 * read: the meta-arguments are read, and their errors thrown, when first asked.
 */
import { DriftgateError } from '../errors.js';
import { blockMove } from './hcl-incremental.js';
import { bodyPending } from './hcl-lazy.js';
import {
  literalValueOf,
  type HclAttribute,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type HclValue,
} from './hcl-syntax.js';
import { parsePath, type AttributePath } from './path.js';
import type {
  FileDeclarations,
  IgnoreTagsDeclaration,
  ProviderDeclaration,
  ResourceDeclaration,
} from './stack.js';

export function declarationsOf(
  file: HclFile,
  takenElsewhere: (address: string) => boolean,
  kept?: ReadonlyMap<HclBlock, ResourceDeclaration>,
) {
  const declared: FileDeclarations = {
    resources: new Map(),
    resourceTypes: new Set(),
    variables: [],
    locals: [],
    modules: [],
    providers: [],
    backends: [],
  };
  for (const block of file.blocks) {
    // The same block object, or the same block moved by an edit before it: the same
    // declaration (moved with it), once its address is still unique.
    const same = kept?.get(block) ?? movedDeclaration(block, kept);
    if (same && !declared.resources.has(same.address) && !takenElsewhere(same.address))
      declared.resources.set(same.address, same);
    else collectDeclaration(declared, block, takenElsewhere);
  }
  for (const resource of declared.resources.values()) declared.resourceTypes.add(resource.type);
  return declared;
}

/**
 * The declaration of a resource block that only moved (hcl-incremental's `blockMove`): the
 * previous one with its expressions' ranges moved, without reading the block's body.
 */
function movedDeclaration(
  block: HclBlock,
  kept: ReadonlyMap<HclBlock, ResourceDeclaration> | undefined,
): ResourceDeclaration | undefined {
  const move = blockMove(block);
  const previous = move && kept?.get(move.previous);
  if (!move || !previous) return undefined;
  // Its body unread yet: the declaration reads it when asked, as the block does.
  if (bodyPending(block))
    return new LazyResourceDeclaration(
      previous.mode,
      previous.type,
      previous.name,
      previous.address,
      block,
    );
  const moved = (expression: HclExpression | undefined) =>
    expression && move.shifter.expression(expression);
  // Named one by one: a lazy declaration's fields are getters a spread would not copy.
  return {
    mode: previous.mode,
    type: previous.type,
    name: previous.name,
    address: previous.address,
    block,
    ignoreChanges: previous.ignoreChanges,
    count: moved(previous.count),
    forEach: moved(previous.forEach),
    provider: previous.provider,
  };
}

/**
 * The declaration of a resource whose body is unread: its meta-arguments (lifecycle,
 * count, for_each, provider) are read, and their errors thrown, when first asked. A class,
 * not an object of getters: codify makes one for every block an edit moves.
 */
class LazyResourceDeclaration implements ResourceDeclaration {
  #meta: Pick<ResourceDeclaration, 'ignoreChanges' | 'count' | 'forEach' | 'provider'> | undefined;

  constructor(
    readonly mode: ResourceDeclaration['mode'],
    readonly type: string,
    readonly name: string,
    readonly address: string,
    readonly block: HclBlock,
  ) {}

  #read() {
    return (this.#meta ??= {
      ignoreChanges: readIgnoreChanges(this.block),
      count: attributeOf(this.block, 'count')?.value,
      forEach: attributeOf(this.block, 'for_each')?.value,
      provider: providerReference(attributeOf(this.block, 'provider')?.value),
    });
  }

  get ignoreChanges() {
    return this.#read().ignoreChanges;
  }

  get count() {
    return this.#read().count;
  }

  get forEach() {
    return this.#read().forEach;
  }

  get provider() {
    return this.#read().provider;
  }
}

function collectDeclaration(
  declared: FileDeclarations,
  block: HclBlock,
  takenElsewhere: (address: string) => boolean,
): void {
  switch (block.type) {
    case 'resource':
    case 'data': {
      const [type, name] = block.labels;
      if (!type || !name)
        throw blockError(block, `a ${block.type} block needs two labels: type and name`);
      const mode = block.type === 'resource' ? 'managed' : 'data';
      const address = mode === 'managed' ? `${type}.${name}` : `data.${type}.${name}`;
      if (declared.resources.has(address) || takenElsewhere(address)) {
        throw blockError(block, `duplicate ${block.type} ${JSON.stringify(address)}`);
      }
      if (bodyPending(block)) {
        declared.resources.set(
          address,
          new LazyResourceDeclaration(mode, type, name, address, block),
        );
        return;
      }
      declared.resources.set(address, {
        mode,
        type,
        name,
        address,
        block,
        ignoreChanges: readIgnoreChanges(block),
        count: attributeOf(block, 'count')?.value,
        forEach: attributeOf(block, 'for_each')?.value,
        provider: providerReference(attributeOf(block, 'provider')?.value),
      });
      return;
    }
    case 'variable': {
      const [name] = block.labels;
      if (!name) throw blockError(block, 'a variable block needs a name label');
      const defaultAttribute = attributeOf(block, 'default');
      const sensitive = attributeOf(block, 'sensitive');
      declared.variables.push({
        name,
        block,
        default: defaultAttribute ? literalValueOf(defaultAttribute.value) : undefined,
        sensitive: sensitive ? literalValueOf(sensitive.value) === true : false,
      });
      return;
    }
    case 'locals':
      for (const attribute of block.attributes) {
        declared.locals.push({ name: attribute.name, attribute, file: block.file });
      }
      return;
    case 'module': {
      const [name] = block.labels;
      if (!name) throw blockError(block, 'a module block needs a name label');
      const source = attributeOf(block, 'source');
      const sourceValue = source ? literalValueOf(source.value) : undefined;
      const providers: Record<string, string> = {};
      const mapping = attributeOf(block, 'providers')?.value;
      if (mapping?.kind === 'object') {
        for (const item of mapping.items) {
          const target = providerReference(item.value);
          if (item.key !== null && target) providers[item.key] = target;
        }
      }
      declared.modules.push({
        name,
        block,
        source: typeof sourceValue === 'string' ? sourceValue : undefined,
        providers,
      });
      return;
    }
    case 'provider': {
      const [name] = block.labels;
      if (!name) throw blockError(block, 'a provider block needs a name label');
      declared.providers.push(readProvider(name, block));
      return;
    }
    case 'terraform':
      for (const inner of block.blocks) {
        if (inner.type !== 'backend') continue;
        const config: Record<string, HclValue> = {};
        for (const attribute of inner.attributes) {
          const value = literalValueOf(attribute.value);
          if (value === undefined) {
            throw new DriftgateError('backend settings must be literal values', {
              file: inner.file,
              line: attribute.range.line,
              column: attribute.range.column,
            });
          }
          config[attribute.name] = value;
        }
        declared.backends.push({ type: inner.labels[0] ?? '', config, block: inner });
      }
      return;
  }
}

export function attributeOf(
  block: { attributes: HclAttribute[] },
  name: string,
): HclAttribute | undefined {
  return block.attributes.find((attribute) => attribute.name === name);
}

/** `aws.west` from `provider = aws.west` (or the deprecated `"aws.west"`). */
function providerReference(expression: HclExpression | undefined): string | undefined {
  if (!expression) return undefined;
  if (expression.kind === 'reference') return expression.traversal;
  if (expression.kind === 'literal' && typeof expression.value === 'string')
    return expression.value;
  return undefined;
}

function readProvider(name: string, block: HclBlock): ProviderDeclaration {
  const unreadable: string[] = [];
  const where = (range: { line: number }) => `${block.file}:${range.line}`;
  const alias = attributeOf(block, 'alias');
  const aliasValue = alias ? literalValueOf(alias.value) : undefined;
  if (alias && typeof aliasValue !== 'string')
    unreadable.push(`${where(alias.range)}: provider alias is not a literal string`);
  const ignoreTags: IgnoreTagsDeclaration = { keys: [], keyPrefixes: [] };
  for (const inner of block.blocks.filter((candidate) => candidate.type === 'ignore_tags')) {
    for (const [attributeName, into] of [
      ['keys', ignoreTags.keys],
      ['key_prefixes', ignoreTags.keyPrefixes],
    ] as const) {
      const attribute = attributeOf(inner, attributeName);
      if (!attribute) continue;
      const value = literalValueOf(attribute.value);
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
        into.push(...(value as string[]));
      } else {
        unreadable.push(
          `${where(attribute.range)}: ignore_tags.${attributeName} is not a literal list of strings`,
        );
      }
    }
  }
  return {
    name,
    reference: typeof aliasValue === 'string' ? `${name}.${aliasValue}` : name,
    ignoreTags,
    unreadable,
    block,
  };
}

function readIgnoreChanges(block: HclBlock): AttributePath[] | 'all' {
  const lifecycle = block.blocks.find((inner) => inner.type === 'lifecycle');
  const ignore = lifecycle ? attributeOf(lifecycle, 'ignore_changes') : undefined;
  if (!ignore) return [];
  const expression = ignore.value;
  if (expression.kind === 'reference' && expression.traversal === 'all') return 'all';
  if (expression.kind === 'literal' && expression.value === 'all') return 'all';
  if (expression.kind !== 'tuple') {
    throw new DriftgateError('lifecycle.ignore_changes must be a list of attribute paths or all', {
      file: block.file,
      line: ignore.range.line,
      column: ignore.range.column,
    });
  }
  return expression.items.map((item) => {
    // Terraform accepts both bare traversals and (deprecated) quoted strings here.
    const text = item.kind === 'literal' && typeof item.value === 'string' ? item.value : item.text;
    const path = parsePath(text);
    if (!path) {
      throw new DriftgateError(
        `ignore_changes entry ${JSON.stringify(text)} is not an attribute path`,
        {
          file: block.file,
          line: item.range.line,
          column: item.range.column,
        },
      );
    }
    return path;
  });
}

function blockError(block: HclBlock, message: string): DriftgateError {
  return new DriftgateError(message, {
    file: block.file,
    line: block.range.line,
    column: block.range.column,
  });
}

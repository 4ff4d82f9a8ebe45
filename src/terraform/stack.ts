/**
 * A Terraform root module ("stack") read from disk: every `.tf` file in the directory
 * (Terraform does not recurse into sub-directories), with the declarations driftgate
 * needs: resources and their lifecycle, variables, locals, modules, the S3 backend.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DriftgateError } from '../errors.js';
import { MAX_HCL_FILE_CHARS } from '../input-limits.js';
import {
  literalValueOf,
  parseHcl,
  type HclAttribute,
  type ParseOptions,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type HclValue,
} from './hcl-syntax.js';
import { parsePath, type AttributePath } from './path.js';
import { decodeSource } from './source-text.js';
import { blockMove } from './hcl-incremental.js';
import { bodyPending, outlineHcl } from './hcl-lazy.js';

export interface ResourceDeclaration {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `aws_vpc.main` or `data.aws_ami.ubuntu` (no module prefix: this is one root module). */
  address: string;
  block: HclBlock;
  /** `lifecycle { ignore_changes = [...] }`: paths, or 'all'. */
  ignoreChanges: AttributePath[] | 'all';
  count: HclExpression | undefined;
  forEach: HclExpression | undefined;
  /** `provider = aws.west`: the provider configuration it uses (`aws.west`), if not the default. */
  provider: string | undefined;
}

/** The provider's `ignore_tags` block, as literal lists (see drift/tag-rules.ts). */
export interface IgnoreTagsDeclaration {
  keys: string[];
  keyPrefixes: string[];
}

export interface ProviderDeclaration {
  /** The provider's local name (`aws`). */
  name: string;
  /** `aws.west` for `alias = "west"`; `aws` for the default configuration. */
  reference: string;
  ignoreTags: IgnoreTagsDeclaration;
  /** Settings driftgate could not read (not literal): reported, never guessed. */
  unreadable: string[];
  block: HclBlock;
}

export interface VariableDeclaration {
  name: string;
  block: HclBlock;
  default: HclValue | undefined;
  sensitive: boolean;
}

export interface LocalDeclaration {
  name: string;
  attribute: HclAttribute;
  file: string;
}

export interface ModuleDeclaration {
  name: string;
  source: string | undefined;
  block: HclBlock;
  /** `providers = { aws = aws.west }`: the module's provider name → the root's configuration. */
  providers: Record<string, string>;
}

export interface BackendDeclaration {
  type: string;
  /** Literal settings only; a backend block cannot use variables in Terraform either. */
  config: Record<string, HclValue>;
  block: HclBlock;
}

export interface TerraformStack {
  dir: string;
  files: HclFile[];
  resources: ResourceDeclaration[];
  variables: Map<string, VariableDeclaration>;
  locals: Map<string, LocalDeclaration>;
  modules: ModuleDeclaration[];
  providers: ProviderDeclaration[];
  backend: BackendDeclaration | undefined;
  /** What each file declares, by path: look-ups by address, and one file replaced alone. */
  declarations: ReadonlyMap<string, FileDeclarations>;
}

/** The declarations of one file, in block order. */
export interface FileDeclarations {
  resources: Map<string, ResourceDeclaration>;
  /** The types of `resources`: look-ups by type skip the files without one. */
  resourceTypes: Set<string>;
  variables: VariableDeclaration[];
  locals: LocalDeclaration[];
  modules: ModuleDeclaration[];
  providers: ProviderDeclaration[];
  backends: BackendDeclaration[];
}

/** Read every `.tf` file of a stack directory (sorted, as Terraform loads them). */
export async function readStack(
  dir: string,
  options: { lazy?: boolean } = {},
): Promise<TerraformStack> {
  return buildStack(dir, await readTerraformSources(dir, (name) => name.endsWith('.tf')), options);
}

/**
 * The regular files of `dir` whose names pass `include`, sorted, with their text.
 * Directories (even one named `x.tf`) are skipped, as Terraform skips them; a file too
 * large to be Terraform is refused before it is read.
 */
export async function readTerraformSources(
  dir: string,
  include: (name: string) => boolean,
): Promise<{ path: string; text: string }[]> {
  const failure = (error: unknown, file: string, what: string) =>
    new DriftgateError(
      `cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
    );
  let names: string[];
  try {
    names = (await readdir(dir)).filter(include).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : `cannot read the directory (${code ?? String(error)})`;
    throw new DriftgateError(`${reason}: a stack is a Terraform root module directory`, {
      file: dir,
    });
  }
  const sources: { path: string; text: string }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) continue;
      // A character is at most four bytes: anything larger cannot be within the limit.
      if (info.size > 4 * MAX_HCL_FILE_CHARS) {
        throw new DriftgateError(
          `file too large: ${info.size} bytes; driftgate reads Terraform files up to ${MAX_HCL_FILE_CHARS} characters (1 MiB)`,
          { file: path },
        );
      }
      sources.push({ path, text: decodeSource(path, await readFile(path)) });
    } catch (error) {
      if (error instanceof DriftgateError) throw error;
      throw failure(error, path, 'file');
    }
  }
  return sources;
}

/** Build a stack from in-memory sources (the GitHub app reads files through the API). */
export async function buildStack(
  dir: string,
  sources: { path: string; text: string }[],
  options: ParseOptions & {
    /** Files parsed before, by path, reused when their text is unchanged. */
    reuse?: ReadonlyMap<string, HclFile>;
    /**
     * Read each block's body on first use (terraform/hcl-lazy.ts): a syntax error inside a
     * body nobody asks for is not found. For commands that touch a few blocks of a stack.
     */
    lazy?: boolean;
  } = {},
): Promise<TerraformStack> {
  const files: HclFile[] = [];
  for (const source of sources) {
    const path = displayPath(source.path);
    const previous = options.reuse?.get(path);
    files.push(
      previous && previous.text === source.text
        ? previous
        : options.lazy && !options.verify
          ? await outlineHcl(path, source.text)
          : await parseHcl(path, source.text, options),
    );
  }
  return stackOfFiles(dir, files);
}

/** A stack of files already parsed. Duplicates and malformed declarations throw, in file order. */
export function stackOfFiles(dir: string, files: HclFile[]): TerraformStack {
  const declarations = new Map<string, FileDeclarations>();
  const seen = new Set<string>();
  for (const file of files) {
    const declared = declarationsOf(file, (address) => seen.has(address));
    for (const address of declared.resources.keys()) seen.add(address);
    declarations.set(file.path, declared);
  }
  return assemble(dir, files, declarations);
}

/**
 * The stack with some files replaced by new versions (same paths), reading declarations
 * again only in those files: the rest of the stack is shared with `stack`. Errors are the
 * ones a full read would give (on any, the whole stack is read again to name the first).
 */
export function replaceStackFiles(stack: TerraformStack, changed: HclFile[]): TerraformStack {
  const replacements = new Map(changed.map((file) => [file.path, file]));
  const files = stack.files.map((file) => replacements.get(file.path) ?? file);
  const declarations = new Map(stack.declarations);
  try {
    for (const file of changed) {
      const previous = changed.length === 1 ? stack.declarations.get(file.path) : undefined;
      // The blocks the re-read kept as they were (before the edit, or after it when
      // nothing moved): their declarations are reused, not read again.
      const kept = new Map(
        [...(stack.declarations.get(file.path)?.resources.values() ?? [])].map(
          (resource) => [resource.block, resource] as const,
        ),
      );
      const declared = declarationsOf(
        file,
        (address) =>
          // Unique before, and no other file changed: still unique.
          !previous?.resources.has(address) &&
          [...declarations].some(
            ([path, other]) => path !== file.path && other.resources.has(address),
          ),
        kept,
      );
      declarations.set(file.path, declared);
    }
  } catch {
    return stackOfFiles(stack.dir, files);
  }
  const touched = changed.flatMap(({ path }) => [
    stack.declarations.get(path),
    declarations.get(path),
  ]);
  const declares = (kind: 'variables' | 'locals' | 'modules' | 'providers' | 'backends') =>
    touched.some((declared) => declared && declared[kind].length > 0);
  if (
    declares('variables') ||
    declares('locals') ||
    declares('modules') ||
    declares('providers') ||
    declares('backends')
  )
    return assemble(stack.dir, files, declarations);
  // Listed when asked, from the declarations (not from `stack`, which it would keep
  // alive): codify replaces a file per edit, and rarely asks for the list.
  let resources: ResourceDeclaration[] | undefined;
  const listResources = () =>
    files.flatMap((file) => [...declarations.get(file.path)!.resources.values()]);
  return {
    dir: stack.dir,
    files,
    get resources() {
      return (resources ??= listResources());
    },
    variables: stack.variables,
    locals: stack.locals,
    modules: stack.modules,
    providers: stack.providers,
    backend: stack.backend,
    declarations,
  };
}

function assemble(
  dir: string,
  files: HclFile[],
  declarations: ReadonlyMap<string, FileDeclarations>,
): TerraformStack {
  const stack: TerraformStack = {
    dir,
    files,
    resources: [],
    variables: new Map(),
    locals: new Map(),
    modules: [],
    providers: [],
    backend: undefined,
    declarations,
  };
  for (const file of files) {
    const declared = declarations.get(file.path)!;
    stack.resources.push(...declared.resources.values());
    for (const variable of declared.variables) stack.variables.set(variable.name, variable);
    for (const local of declared.locals) stack.locals.set(local.name, local);
    stack.modules.push(...declared.modules);
    stack.providers.push(...declared.providers);
    stack.backend = declared.backends.at(-1) ?? stack.backend;
  }
  return stack;
}

function declarationsOf(
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
    return lazyResourceDeclaration(previous.mode, previous.type, previous.name, block);
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
  readonly address: string;
  #meta: Pick<ResourceDeclaration, 'ignoreChanges' | 'count' | 'forEach' | 'provider'> | undefined;

  constructor(
    readonly mode: ResourceDeclaration['mode'],
    readonly type: string,
    readonly name: string,
    readonly block: HclBlock,
  ) {
    this.address = mode === 'managed' ? `${type}.${name}` : `data.${type}.${name}`;
  }

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

function lazyResourceDeclaration(
  mode: ResourceDeclaration['mode'],
  type: string,
  name: string,
  block: HclBlock,
): ResourceDeclaration {
  return new LazyResourceDeclaration(mode, type, name, block);
}

/** A file's path as driftgate names it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
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
        declared.resources.set(address, lazyResourceDeclaration(mode, type, name, block));
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

export function findResource(
  stack: TerraformStack,
  address: string,
): ResourceDeclaration | undefined {
  // Instances of count/for_each resources (`aws_subnet.private[0]`) share one declaration.
  const withoutKey = address.replace(/\[[^\]]*\]$/, '');
  for (const declared of stack.declarations.values()) {
    const found = declared.resources.get(withoutKey);
    if (found) return found;
  }
  return undefined;
}

/**
 * The stack's resources of these types, in stack order (`resources` filtered), reading
 * only the files that declare one: codify asks this per drift of a 1 MB stack.
 */
export function resourcesOfTypes(
  stack: TerraformStack,
  types: ReadonlySet<string>,
): ResourceDeclaration[] {
  const found: ResourceDeclaration[] = [];
  for (const declared of stack.declarations.values()) {
    if (![...types].some((type) => declared.resourceTypes.has(type))) continue;
    for (const resource of declared.resources.values())
      if (types.has(resource.type)) found.push(resource);
  }
  return found;
}

/**
 * A Terraform root module ("stack") read from disk: every `.tf` file in the directory
 * (Terraform does not recurse into sub-directories), with the declarations driftgate
 * needs: resources and their lifecycle, variables, locals, modules, the S3 backend.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DriftgateError } from '../errors.js';
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
  backend: BackendDeclaration | undefined;
  /** What each file declares, by path: look-ups by address, and one file replaced alone. */
  declarations: ReadonlyMap<string, FileDeclarations>;
}

/** The declarations of one file, in block order. */
export interface FileDeclarations {
  resources: Map<string, ResourceDeclaration>;
  variables: VariableDeclaration[];
  locals: LocalDeclaration[];
  modules: ModuleDeclaration[];
  backends: BackendDeclaration[];
}

/** Read every `.tf` file of a stack directory (sorted, as Terraform loads them). */
export async function readStack(dir: string): Promise<TerraformStack> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  } catch (error) {
    throw new DriftgateError(
      `cannot read stack directory: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        file: dir,
      },
    );
  }
  const sources = await Promise.all(
    names.map(async (name) => ({
      path: join(dir, name),
      text: decodeSource(join(dir, name), await readFile(join(dir, name))),
    })),
  );
  return buildStack(dir, sources);
}

/** Build a stack from in-memory sources (the GitHub app reads files through the API). */
export async function buildStack(
  dir: string,
  sources: { path: string; text: string }[],
  options: ParseOptions & {
    /** Files parsed before, by path, reused when their text is unchanged. */
    reuse?: ReadonlyMap<string, HclFile>;
  } = {},
): Promise<TerraformStack> {
  const files: HclFile[] = [];
  for (const source of sources) {
    const path = displayPath(source.path);
    const previous = options.reuse?.get(path);
    files.push(
      previous && previous.text === source.text
        ? previous
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
      const declared = declarationsOf(
        file,
        (address) =>
          // Unique before, and no other file changed: still unique.
          !previous?.resources.has(address) &&
          [...declarations].some(
            ([path, other]) => path !== file.path && other.resources.has(address),
          ),
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
  const declares = (kind: 'variables' | 'locals' | 'modules' | 'backends') =>
    touched.some((declared) => declared && declared[kind].length > 0);
  if (declares('variables') || declares('locals') || declares('modules') || declares('backends'))
    return assemble(stack.dir, files, declarations);
  // Each file's resources are one run of `resources`, in file order: swap the runs.
  const resources: ResourceDeclaration[] = [];
  let from = 0;
  for (const file of stack.files) {
    const count = stack.declarations.get(file.path)!.resources.size;
    if (replacements.has(file.path)) {
      resources.push(...declarations.get(file.path)!.resources.values());
    } else {
      for (let index = from; index < from + count; index++) resources.push(stack.resources[index]!);
    }
    from += count;
  }
  return { ...stack, files, resources, declarations };
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
    backend: undefined,
    declarations,
  };
  for (const file of files) {
    const declared = declarations.get(file.path)!;
    stack.resources.push(...declared.resources.values());
    for (const variable of declared.variables) stack.variables.set(variable.name, variable);
    for (const local of declared.locals) stack.locals.set(local.name, local);
    stack.modules.push(...declared.modules);
    stack.backend = declared.backends.at(-1) ?? stack.backend;
  }
  return stack;
}

function declarationsOf(file: HclFile, takenElsewhere: (address: string) => boolean) {
  const declared: FileDeclarations = {
    resources: new Map(),
    variables: [],
    locals: [],
    modules: [],
    backends: [],
  };
  for (const block of file.blocks) collectDeclaration(declared, block, takenElsewhere);
  return declared;
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
      declared.resources.set(address, {
        mode,
        type,
        name,
        address,
        block,
        ignoreChanges: readIgnoreChanges(block),
        count: attributeOf(block, 'count')?.value,
        forEach: attributeOf(block, 'for_each')?.value,
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
      declared.modules.push({
        name,
        block,
        source: typeof sourceValue === 'string' ? sourceValue : undefined,
      });
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

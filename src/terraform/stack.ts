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
}

/** Read every `.tf` file of a stack directory (sorted, as Terraform loads them). */
export async function readStack(dir: string): Promise<TerraformStack> {
  return buildStack(dir, await readTerraformSources(dir, (name) => name.endsWith('.tf')));
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
    throw failure(error, dir, 'stack directory');
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
      sources.push({ path, text: await readFile(path, 'utf8') });
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
  const stack: TerraformStack = {
    dir,
    files,
    resources: [],
    variables: new Map(),
    locals: new Map(),
    modules: [],
    backend: undefined,
  };
  for (const file of files) {
    for (const block of file.blocks) collectDeclaration(stack, block);
  }
  return stack;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function collectDeclaration(stack: TerraformStack, block: HclBlock): void {
  switch (block.type) {
    case 'resource':
    case 'data': {
      const [type, name] = block.labels;
      if (!type || !name)
        throw blockError(block, `a ${block.type} block needs two labels: type and name`);
      const mode = block.type === 'resource' ? 'managed' : 'data';
      const address = mode === 'managed' ? `${type}.${name}` : `data.${type}.${name}`;
      if (stack.resources.some((r) => r.address === address)) {
        throw blockError(block, `duplicate ${block.type} ${JSON.stringify(address)}`);
      }
      stack.resources.push({
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
      stack.variables.set(name, {
        name,
        block,
        default: defaultAttribute ? literalValueOf(defaultAttribute.value) : undefined,
        sensitive: sensitive ? literalValueOf(sensitive.value) === true : false,
      });
      return;
    }
    case 'locals':
      for (const attribute of block.attributes) {
        stack.locals.set(attribute.name, { name: attribute.name, attribute, file: block.file });
      }
      return;
    case 'module': {
      const [name] = block.labels;
      if (!name) throw blockError(block, 'a module block needs a name label');
      const source = attributeOf(block, 'source');
      const sourceValue = source ? literalValueOf(source.value) : undefined;
      stack.modules.push({
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
        stack.backend = { type: inner.labels[0] ?? '', config, block: inner };
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
  return stack.resources.find((resource) => resource.address === withoutKey);
}

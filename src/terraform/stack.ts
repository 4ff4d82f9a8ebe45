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
  parseHcl,
  type HclAttribute,
  type ParseOptions,
  type HclBlock,
  type HclExpression,
  type HclFile,
  type HclValue,
} from './hcl-syntax.js';
import type { AttributePath } from './path.js';
import { decodeSource } from './source-text.js';
import { outlineHcl } from './hcl-lazy.js';
import { declarationsOf } from './stack-declarations.js';

export { attributeOf } from './stack-declarations.js';

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
      const kept = new Map<HclBlock, ResourceDeclaration>();
      for (const resource of stack.declarations.get(file.path)?.resources.values() ?? [])
        kept.set(resource.block, resource);
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

/** A file's path as driftgate names it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
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

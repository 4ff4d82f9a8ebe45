/**
 * Terraform state, as recorded: the v4 state file (`terraform.tfstate`, what backends
 * store) and the `terraform show -json` state representation (`values.root_module`).
 * Both become the same list of resource instances with Terraform addresses.
 */
import { z } from 'zod';
import { DriftgateError, formatKeyPath } from '../errors.js';
import { assertJsonDepth } from '../input-limits.js';
import { formatInstanceKey, parseAddress, type InstanceKey } from './address.js';
import { type AttributePath } from './path.js';

export interface StateInstance {
  /** Full instance address as Terraform prints it: `module.net.aws_subnet.private["a"]`. */
  address: string;
  /** `module.net` or '' for the root module. */
  module: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  indexKey: InstanceKey | undefined;
  provider: string;
  attributes: Record<string, unknown>;
  /** Paths whose values are sensitive and must never be shown. */
  sensitivePaths: AttributePath[];
  /** Deposed objects (create_before_destroy leftovers) of this instance, by deposed key. */
  deposed: string[];
}

export interface TerraformState {
  format: 'v4' | 'show-json';
  terraformVersion: string | undefined;
  serial: number | undefined;
  lineage: string | undefined;
  instances: StateInstance[];
}

const pathStep = z.object({
  type: z.enum(['get_attr', 'index']),
  value: z.union([
    z.string(),
    z.number(),
    z.object({ value: z.union([z.string(), z.number()]) }).loose(),
  ]),
});

/**
 * An object of attributes, checked as an object but not copied: zod's `z.record` returns a
 * new object per instance, and a 100 MB state would hold its attributes twice.
 */
const attributeObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { error: 'Invalid input: expected record (an object of attributes)' },
);

const v4Instance = z
  .object({
    index_key: z.union([z.string(), z.number()]).optional(),
    schema_version: z.number().optional(),
    attributes: attributeObject.optional(),
    attributes_flat: z.record(z.string(), z.string()).optional(),
    sensitive_attributes: z.array(z.array(pathStep)).nullish(),
    deposed: z.string().optional(),
  })
  .loose();

/** What an address needs of an instance (`state list`): its key, and whether it is deposed. */
const v4InstanceKey = z
  .object({
    index_key: z.union([z.string(), z.number()]).optional(),
    deposed: z.string().optional(),
  })
  .loose();

const v4ResourceFields = {
  module: z.string().optional(),
  mode: z.enum(['managed', 'data']),
  type: z.string().min(1),
  name: z.string().min(1),
  each: z.enum(['list', 'map']).optional(),
  provider: z.string(),
};
const v4Resource = z.object({ ...v4ResourceFields, instances: z.array(v4Instance) }).loose();
const v4ResourceKeys = z.object({ ...v4ResourceFields, instances: z.array(v4InstanceKey) }).loose();
type V4Resource = z.infer<typeof v4ResourceKeys>;

/** The state file's header; its resources are validated one at a time (`fromV4`). */
const v4Header = z
  .object({
    version: z.literal(4),
    terraform_version: z.string().optional(),
    serial: z.number().int().nonnegative(),
    lineage: z.string(),
    resources: z.array(z.unknown()).default([]),
  })
  .loose();

/**
 * A sensitivity mark as Terraform writes it (`before_sensitive`, `sensitive_values`):
 * `true` / `false`, or an object or array of marks shaped like the value. Anything else
 * (`"true"`, `1`, `null`) is refused at the edge rather than guessed at.
 */
export type SensitivityMark = boolean | SensitivityMark[] | { [key: string]: SensitivityMark };

export const sensitivityMark: z.ZodType<SensitivityMark> = z.lazy(() =>
  z.union([z.boolean(), z.array(sensitivityMark), z.record(z.string(), sensitivityMark)], {
    error: 'a sensitivity mark must be true, false, or an object or array of marks',
  }),
);

interface ShowJsonModule {
  address?: string | undefined;
  resources?: ShowJsonResource[] | undefined;
  child_modules?: ShowJsonModule[] | undefined;
}
interface ShowJsonResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number | undefined;
  provider_name?: string | undefined;
  values?: Record<string, unknown> | undefined;
  sensitive_values?: SensitivityMark | undefined;
  deposed_key?: string | undefined;
}

const showJsonResource: z.ZodType<ShowJsonResource> = z
  .object({
    address: z.string(),
    mode: z.enum(['managed', 'data']),
    type: z.string(),
    name: z.string(),
    index: z.union([z.string(), z.number()]).optional(),
    provider_name: z.string().optional(),
    values: attributeObject.optional(),
    sensitive_values: sensitivityMark.optional(),
    deposed_key: z.string().optional(),
  })
  .loose();

const showJsonModule: z.ZodType<ShowJsonModule> = z.lazy(() =>
  z
    .object({
      address: z.string().optional(),
      resources: z.array(showJsonResource).optional(),
      child_modules: z.array(showJsonModule).optional(),
    })
    .loose(),
);

export const showJsonStateValues = z
  .object({ root_module: showJsonModule.optional(), outputs: z.unknown().optional() })
  .loose();

const showJsonState = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    values: showJsonStateValues.optional(),
  })
  .loose();

/** Parse state text (v4 file or `terraform show -json` of a state). `source` names it in errors. */
export function parseState(text: string, source: string): TerraformState {
  return stateFromJson(parseStateJson(text, source), source);
}

/**
 * JSON.parse of state text, checked to be an object nested no deeper than the limit. Kept
 * apart from `stateFromJson` so a reader can let go of the text (as large as the state)
 * before the state is converted: call `stateFromJson(parseStateJson(await read(), …), …)`.
 */
export function parseStateJson(text: string, source: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // Only JSON.parse's position is reported: the text itself may hold secrets.
    throw new DriftgateError(`not valid JSON (${jsonErrorPosition(error)})`, { file: source });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DriftgateError('a Terraform state must be a JSON object', { file: source });
  }
  assertJsonDepth(raw, source);
  return raw as Record<string, unknown>;
}

/** Parsed state JSON (`parseStateJson`) → instances with addresses. */
export function stateFromJson(record: Record<string, unknown>, source: string): TerraformState {
  if ('version' in record) {
    const header = v4HeaderOf(record, source);
    const sink = v4InstanceSink(source);
    header.resources.forEach((resource, index) => sink.add(resource, index));
    return v4StateOf(header, sink.result());
  }
  if ('format_version' in record) {
    const parsed = parseWith(showJsonState, record, source);
    const instances = parsed.values?.root_module
      ? instancesFromShowJson(parsed.values.root_module)
      : [];
    return {
      format: 'show-json',
      terraformVersion: parsed.terraform_version,
      serial: undefined,
      lineage: undefined,
      instances,
    };
  }
  throw new DriftgateError(
    'not a Terraform state: expected "version": 4 (a .tfstate file) or "format_version" (terraform show -json)',
    { file: source },
  );
}

/**
 * Parsed state JSON → its instance addresses, as `terraform state list` needs them: only
 * what an address is made of is validated and kept, so once the addresses are built
 * nothing of the state's values is reachable.
 */
export function stateAddressesFromJson(record: Record<string, unknown>, source: string): string[] {
  if ('version' in record) {
    const header = v4HeaderOf(record, source);
    const sink = v4AddressSink(source);
    header.resources.forEach((resource, index) => sink.add(resource, index));
    return sink.result();
  }
  return stateFromJson(record, source).instances.map((instance) => instance.address);
}

export type V4Header = z.infer<typeof v4Header>;

/**
 * A v4 state's header, checked: the version first (its own message), then the fields. A
 * streamed reader passes its resources as an empty array and feeds them to a sink.
 */
export function v4HeaderOf(record: Record<string, unknown>, source: string): V4Header {
  assertV4(record, source);
  return parseWith(v4Header, record, source);
}

/**
 * Takes a v4 state's resources one at a time (`add` throws the first invalid one, naming
 * its index) and keeps only what its reader needs of them.
 */
export interface V4ResourceSink<T> {
  add(resource: unknown, index: number): void;
  result(): T;
}

/** Keeps the instance addresses (`state list`), each once. */
export function v4AddressSink(source: string): V4ResourceSink<string[]> {
  const addresses = new Set<string>();
  return {
    add(resource, index) {
      const parsed = parseWith(v4ResourceKeys, resource, source, ['resources', index]);
      for (const { address } of v4ResourceInstances(parsed)) addresses.add(address);
    },
    result: () => [...addresses],
  };
}

/**
 * Builds the instances with their attributes. zod's copy of a resource is garbage as soon
 * as its instances are built, and attributes are never copied.
 */
export function v4InstanceSink(source: string): V4ResourceSink<StateInstance[]> {
  const byAddress = new Map<string, StateInstance>();
  return {
    add(raw, index) {
      const resource = parseWith(v4Resource, raw, source, ['resources', index]);
      for (const { instance, address } of v4ResourceInstances(resource))
        addV4Instance(byAddress, resource, instance, address);
    },
    result: () => [...byAddress.values()],
  };
}

/** A checked v4 header and its instances → the state. */
export function v4StateOf(header: V4Header, instances: StateInstance[]): TerraformState {
  return {
    format: 'v4',
    terraformVersion: header.terraform_version,
    serial: header.serial,
    lineage: header.lineage,
    instances,
  };
}

function assertV4(record: Record<string, unknown>, source: string): void {
  if (record.version !== 4) {
    throw new DriftgateError(
      `state format version ${JSON.stringify(record.version)} is not supported (driftgate reads version 4, written by Terraform 0.12 and later)`,
      { file: source },
      'run any terraform command with Terraform >= 0.12 to upgrade the state',
    );
  }
}

export function parseWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  source: string,
  /** Where `value` sits in the document, for the error's key path. */
  at: PropertyKey[] = [],
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...at, ...issue.path];
  const where = path.length ? ` at ${formatKeyPath(path)}` : '';
  // zod messages describe expected types; they never echo the offending value.
  throw new DriftgateError(`invalid${where}: ${issue.message}`, { file: source });
}

export function jsonErrorPosition(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = message.match(/line (\d+) column (\d+)|position (\d+)/);
  if (position?.[1]) return `line ${position[1]}, column ${position[2]}`;
  if (position?.[3]) return `at character ${position[3]}`;
  return 'unexpected end or token';
}

/** Each instance of a validated v4 resource, with its address. */
function* v4ResourceInstances<R extends V4Resource>(
  resource: R,
): Generator<{ instance: R['instances'][number]; address: string }> {
  const module = resource.module ?? '';
  const base =
    resource.mode === 'data'
      ? `data.${resource.type}.${resource.name}`
      : `${resource.type}.${resource.name}`;
  const prefix = `${module ? `${module}.` : ''}${base}`;
  for (const instance of resource.instances)
    yield { instance, address: `${prefix}${formatInstanceKey(instance.index_key)}` };
}

type V4FullResource = z.infer<typeof v4Resource>;

function addV4Instance(
  byAddress: Map<string, StateInstance>,
  resource: V4FullResource,
  instance: V4FullResource['instances'][number],
  address: string,
): void {
  let entry = byAddress.get(address);
  if (!entry) {
    entry = {
      address,
      module: resource.module ?? '',
      mode: resource.mode,
      type: resource.type,
      name: resource.name,
      indexKey: instance.index_key,
      provider: resource.provider,
      attributes: {},
      sensitivePaths: [],
      deposed: [],
    };
    byAddress.set(address, entry);
  }
  if (instance.deposed !== undefined) {
    // A deposed object (create_before_destroy leftover) belongs to the same instance
    // address; terraform state list does not list it on its own.
    entry.deposed.push(instance.deposed);
    return;
  }
  entry.attributes = instance.attributes ?? unflatten(instance.attributes_flat ?? {});
  entry.sensitivePaths = (instance.sensitive_attributes ?? []).map((steps) =>
    steps.map((step) => (typeof step.value === 'object' ? step.value.value : step.value)),
  );
}

/** Terraform 0.11-era flatmap attributes (`tags.%`, `tags.Env`) upgraded to nested values. */
function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (key.endsWith('.%') || key.endsWith('.#')) continue;
    result[key] = value;
  }
  return result;
}

export function instancesFromShowJson(module: ShowJsonModule): StateInstance[] {
  const instances: StateInstance[] = [];
  const moduleAddress = module.address ?? '';
  for (const resource of module.resources ?? []) {
    if (resource.deposed_key) continue;
    // Build the address from its parts: Terraform 0.12.0's format 0.1 printed count
    // instances and module resources without their index or module prefix, and some
    // child modules carry no address of their own.
    const module = moduleAddress || modulePrefixOf(resource.address);
    const base =
      resource.mode === 'data'
        ? `data.${resource.type}.${resource.name}`
        : `${resource.type}.${resource.name}`;
    instances.push({
      address: `${module ? `${module}.` : ''}${base}${formatInstanceKey(resource.index)}`,
      module,
      mode: resource.mode,
      type: resource.type,
      name: resource.name,
      indexKey: resource.index,
      provider: resource.provider_name ?? '',
      attributes: resource.values ?? {},
      sensitivePaths: sensitivePathsFromMask(resource.sensitive_values),
      deposed: [],
    });
  }
  for (const child of module.child_modules ?? []) instances.push(...instancesFromShowJson(child));
  return instances;
}

function modulePrefixOf(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return '';
  return parsed.modules
    .map((step) => `module.${step.name}${formatInstanceKey(step.key)}`)
    .join('.');
}

/**
 * Turn a `*_sensitive` mask (`{"password": true, "tags": {"x": true}}`, as in plan and
 * show JSON) into the list of sensitive paths. Fails closed: a mark that is neither
 * `false` nor a container (`"true"`, `1`, `null`) makes its whole path sensitive. The
 * readers reject such marks first; this is the second line for any other caller.
 */
export function sensitivePathsFromMask(mask: unknown, prefix: AttributePath = []): AttributePath[] {
  if (mask === undefined || mask === false) return [];
  if (Array.isArray(mask))
    return mask.flatMap((item, i) => sensitivePathsFromMask(item, [...prefix, i]));
  if (mask && typeof mask === 'object') {
    return Object.entries(mask).flatMap(([key, value]) =>
      sensitivePathsFromMask(value, [...prefix, key]),
    );
  }
  return [prefix];
}

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Builds Terraform v4 state the way terraform-provider-aws records these resources, from
 * live objects a test created with the SDK: the "matching state" of a stack.
 */
export interface BuiltResource {
  type: string;
  name: string;
  attributes: Record<string, unknown>;
  indexKey?: number | string;
}

export function v4State(resources: BuiltResource[], serial = 1): string {
  return JSON.stringify(
    {
      version: 4,
      terraform_version: '1.9.5',
      serial,
      lineage: '00000000-0000-4000-8000-000000000001',
      outputs: {},
      resources: resources.map((resource) => ({
        mode: 'managed',
        type: resource.type,
        name: resource.name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            ...(resource.indexKey !== undefined ? { index_key: resource.indexKey } : {}),
            schema_version: 1,
            attributes: resource.attributes,
            sensitive_attributes: [],
          },
        ],
      })),
    },
    null,
    2,
  );
}

/**
 * A stack's code when a test is about its state and live objects only: a `.tf` file
 * (driftgate refuses a stack directory without one) that declares no resources, so the
 * scan behaves as it does for resources whose code is not at hand (a module's).
 */
export const STATE_ONLY_CODE = 'terraform {\n  required_version = ">= 1.5"\n}\n';

export interface RuleSpec {
  protocol: string;
  from_port: number;
  to_port: number;
  cidr_blocks?: string[];
  ipv6_cidr_blocks?: string[];
  security_groups?: string[];
  self?: boolean;
  description?: string;
}

/** An inline ingress/egress block with every attribute the provider records. */
export function ruleBlock(spec: RuleSpec): Record<string, unknown> {
  return {
    cidr_blocks: spec.cidr_blocks ?? [],
    description: spec.description ?? '',
    from_port: spec.from_port,
    ipv6_cidr_blocks: spec.ipv6_cidr_blocks ?? [],
    prefix_list_ids: [],
    protocol: spec.protocol,
    security_groups: spec.security_groups ?? [],
    self: spec.self ?? false,
    to_port: spec.to_port,
  };
}

export function tags(map: Record<string, string>, defaults: Record<string, string> = {}) {
  return { tags: map, tags_all: { ...defaults, ...map } };
}

export function securityGroup(
  name: string,
  a: {
    id: string;
    name: string;
    description: string;
    vpcId: string;
    ownerId: string;
    ingress: RuleSpec[];
    egress: RuleSpec[];
    tags?: Record<string, string>;
  },
): BuiltResource {
  return {
    type: 'aws_security_group',
    name,
    attributes: {
      arn: `arn:aws:ec2:us-east-1:${a.ownerId}:security-group/${a.id}`,
      description: a.description,
      egress: a.egress.map(ruleBlock),
      id: a.id,
      ingress: a.ingress.map(ruleBlock),
      name: a.name,
      name_prefix: '',
      owner_id: a.ownerId,
      revoke_rules_on_delete: false,
      ...tags(a.tags ?? {}),
      timeouts: null,
      vpc_id: a.vpcId,
    },
  };
}

/** A route with every target attribute the provider records, all unset. */
export const emptyRoute = {
  cidr_block: '',
  ipv6_cidr_block: '',
  destination_prefix_list_id: '',
  carrier_gateway_id: '',
  core_network_arn: '',
  egress_only_gateway_id: '',
  gateway_id: '',
  local_gateway_id: '',
  nat_gateway_id: '',
  network_interface_id: '',
  transit_gateway_id: '',
  vpc_endpoint_id: '',
  vpc_peering_connection_id: '',
};

/** Write a stack directory: its state (`terraform.tfstate`) and its code (`main.tf`). */
export async function writeStackFiles(dir: string, resources: BuiltResource[]): Promise<void> {
  await writeFile(join(dir, 'terraform.tfstate'), v4State(resources));
  await writeFile(join(dir, 'main.tf'), STATE_ONLY_CODE);
}

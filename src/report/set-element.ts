/**
 * One set element (a security group rule, a route, a network ACL entry, any block of a
 * set) in a few words a reviewer recognises: `{tcp/22 from 0.0.0.0/0}`, `{0.0.0.0/0 →
 * igw-0abc}`. Elements of a set have no position, so outputs name them by content. Pure.
 */
import type { AttributeChange } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';

type Element = Record<string, unknown>;

const RULE_SOURCES = ['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'security_groups'];
const ROUTE_DESTINATIONS = ['cidr_block', 'ipv6_cidr_block', 'destination_prefix_list_id'];
const ROUTE_TARGETS = [
  'gateway_id',
  'nat_gateway_id',
  'transit_gateway_id',
  'vpc_peering_connection_id',
  'network_interface_id',
  'egress_only_gateway_id',
  'carrier_gateway_id',
  'local_gateway_id',
  'vpc_endpoint_id',
  'core_network_arn',
];

function present(value: unknown): boolean {
  return (
    value !== null &&
    value !== undefined &&
    value !== '' &&
    value !== false &&
    !(Array.isArray(value) && value.length === 0)
  );
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ports(element: Element): string {
  const protocol = text(element.protocol);
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  const from = element.from_port;
  const to = element.to_port;
  if (!present(from) && !present(to)) return protocol;
  return from === to || !present(to)
    ? `${protocol}/${text(from)}`
    : `${protocol}/${text(from)}-${text(to)}`;
}

function describeRule(element: Element): string {
  const sources = [
    ...RULE_SOURCES.flatMap((key) => (Array.isArray(element[key]) ? element[key] : []).map(text)),
    ...(['cidr_block', 'ipv6_cidr_block'] as const)
      .filter((key) => present(element[key]))
      .map((key) => text(element[key])),
    ...(element.self === true ? ['self'] : []),
  ];
  const action = present(element.action) ? `${text(element.action)} ` : '';
  const number = present(element.rule_no) ? `rule ${text(element.rule_no)} ` : '';
  const description = present(element.description) ? ` ${JSON.stringify(element.description)}` : '';
  return `{${number}${action}${ports(element)}${sources.length ? ` from ${sources.join(', ')}` : ''}${description}}`;
}

function describeRoute(element: Element): string | undefined {
  const destination = ROUTE_DESTINATIONS.find((key) => present(element[key]));
  if (!destination) return undefined;
  const target = ROUTE_TARGETS.find((key) => present(element[key]));
  return `{${text(element[destination])}${target ? ` → ${text(element[target])}` : ''}}`;
}

/** `{key=value, …}` of the attributes that are set, in key order. */
function describeGeneric(element: Element): string {
  const parts = Object.keys(element)
    .sort()
    .filter((key) => present(element[key]))
    .map((key) => `${key}=${text(element[key])}`);
  return `{${parts.join(', ')}}`;
}

export function describeSetElement(element: unknown): string {
  if (typeof element !== 'object' || element === null || Array.isArray(element))
    return text(element);
  const block = element as Element;
  if ('protocol' in block && ('from_port' in block || 'to_port' in block))
    return describeRule(block);
  return describeRoute(block) ?? describeGeneric(block);
}

/** `+ ingress {tcp/22 from 0.0.0.0/0}` / `- route {10.0.0.0/8 → pcx-1}`. */
export function describeSetElementChange(change: AttributeChange): string {
  const sign = change.setElement === 'added' ? '+' : '-';
  const element = change.setElement === 'added' ? change.live : change.recorded;
  return `${sign} ${formatPath(change.path)} ${describeSetElement(element)}`;
}

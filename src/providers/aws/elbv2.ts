/**
 * The AWS provider's model of Elastic Load Balancing v2 (`aws_lb`, `aws_lb_listener`,
 * `aws_lb_target_group`), pure: the compared attributes in the provider's shape and the
 * normalisers that keep an untouched load balancer clean. Load balancers are tier 3 by
 * default: reported and codified, never reverted by driftgate.
 */
export const ELBV2_TYPES = ['aws_lb', 'aws_lb_listener', 'aws_lb_target_group'] as const;

type View = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const sorted = (value: unknown): string[] =>
  Array.isArray(value) ? [...(value as string[])].sort() : [];

export function recordedLoadBalancer(attributes: View): View {
  return {
    name: attributes.name ?? null,
    internal: attributes.internal === true,
    load_balancer_type: attributes.load_balancer_type ?? 'application',
    ip_address_type: attributes.ip_address_type ?? 'ipv4',
    security_groups: sorted(attributes.security_groups),
    subnets: sorted(attributes.subnets),
  };
}

export interface LiveLoadBalancer {
  name?: string | undefined;
  scheme?: string | undefined;
  type?: string | undefined;
  ipAddressType?: string | undefined;
  securityGroups?: string[] | undefined;
  subnets: string[];
}

/** False positive removed: security groups and subnets are sets, sorted on both sides. */
export function loadBalancerView(live: LiveLoadBalancer): View {
  return {
    name: live.name ?? null,
    internal: live.scheme === 'internal',
    load_balancer_type: live.type ?? 'application',
    ip_address_type: live.ipAddressType ?? 'ipv4',
    security_groups: sorted(live.securityGroups),
    subnets: sorted(live.subnets),
  };
}

const REDIRECT_KEYS = ['host', 'path', 'port', 'protocol', 'query', 'status_code'] as const;
const FIXED_RESPONSE_KEYS = ['content_type', 'message_body', 'status_code'] as const;

/**
 * One `default_action` as compared: its type, target group, and redirect or fixed response.
 * False positives removed: `target_group_arn` is `""` in state and absent in the API for a
 * redirect; absent optional strings are `""` on both sides. `order` (computed) and
 * `forward` (a weighted form the provider fills from the API) are not compared.
 */
export function actionView(action: {
  type?: unknown;
  target_group_arn?: unknown;
  redirect?: View | undefined;
  fixed_response?: View | undefined;
}): View {
  const block = (source: View | undefined, keys: readonly string[]) =>
    source ? [Object.fromEntries(keys.map((key) => [key, text(source[key])]))] : [];
  return {
    type: text(action.type),
    target_group_arn: text(action.target_group_arn),
    redirect: block(action.redirect, REDIRECT_KEYS),
    fixed_response: block(action.fixed_response, FIXED_RESPONSE_KEYS),
  };
}

const firstBlock = (value: unknown): View | undefined =>
  Array.isArray(value) && value.length > 0 ? (value[0] as View) : undefined;

export function recordedListener(attributes: View): View {
  const actions = Array.isArray(attributes.default_action)
    ? (attributes.default_action as View[])
    : [];
  return {
    load_balancer_arn: attributes.load_balancer_arn ?? null,
    port: attributes.port ?? null,
    protocol: attributes.protocol ?? null,
    ssl_policy: text(attributes.ssl_policy),
    certificate_arn: text(attributes.certificate_arn),
    default_action: actions.map((action) =>
      actionView({
        type: action.type,
        target_group_arn: action.target_group_arn,
        redirect: firstBlock(action.redirect),
        fixed_response: firstBlock(action.fixed_response),
      }),
    ),
  };
}

export const HEALTH_CHECK_KEYS = [
  'enabled',
  'healthy_threshold',
  'interval',
  'matcher',
  'path',
  'port',
  'protocol',
  'timeout',
  'unhealthy_threshold',
] as const;

export function recordedTargetGroup(attributes: View): View {
  const check = firstBlock(attributes.health_check) ?? {};
  return {
    name: attributes.name ?? null,
    port: attributes.port ?? null,
    protocol: attributes.protocol ?? null,
    vpc_id: attributes.vpc_id ?? null,
    target_type: attributes.target_type ?? 'instance',
    health_check: [
      Object.fromEntries(
        HEALTH_CHECK_KEYS.map((key) => [
          key,
          key === 'enabled'
            ? check[key] !== false
            : key === 'matcher' || key === 'path'
              ? text(check[key])
              : (check[key] ?? null),
        ]),
      ),
    ],
  };
}

/**
 * A target group's live health check in the provider's shape. False positives removed: the
 * API leaves out `path` and `matcher` for TCP checks, which state records as `""`.
 */
export function healthCheckView(live: {
  enabled?: boolean | undefined;
  healthyThreshold?: number | undefined;
  interval?: number | undefined;
  matcher?: string | undefined;
  path?: string | undefined;
  port?: string | undefined;
  protocol?: string | undefined;
  timeout?: number | undefined;
  unhealthyThreshold?: number | undefined;
}): View {
  return {
    enabled: live.enabled !== false,
    healthy_threshold: live.healthyThreshold ?? null,
    interval: live.interval ?? null,
    matcher: live.matcher ?? '',
    path: live.path ?? '',
    port: live.port ?? null,
    protocol: live.protocol ?? null,
    timeout: live.timeout ?? null,
    unhealthy_threshold: live.unhealthyThreshold ?? null,
  };
}

/**
 * Elastic Load Balancing v2: `aws_lb`, `aws_lb_listener`, `aws_lb_target_group`.
 *
 * ELBv2 has no filters and its by-ARN reads fail whole when one ARN is gone, so load
 * balancers and target groups are read by listing the account (400 a page, the API's
 * largest) and an ARN missing from a complete listing is deleted. Listeners are listed per
 * load balancer state records them on (a listener cannot move). Tags cost one
 * DescribeTags per 20 resources (the API's limit); nothing here is read per resource.
 */
import {
  DescribeTagsCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type Action,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  actionView,
  ELBV2_TYPES,
  healthCheckView,
  loadBalancerView,
  recordedListener,
  recordedLoadBalancer,
  recordedTargetGroup,
} from '../../providers/aws/elbv2.js';
import type { StateInstance } from '../../terraform/state.js';
import {
  chunk,
  idOf,
  liveTagAttributes,
  recordedTagAttributes,
  tagMap,
  type Comparison,
  type ResourceFamily,
} from './family.js';

export const ELBV2_PAGE_SIZE = 400;
/** DescribeTags takes at most 20 resource ARNs a call. */
export const ELBV2_TAGS_PER_CALL = 20;

type View = Record<string, unknown>;

async function listAll<T>(pages: AsyncIterable<{ items: T[] | undefined }>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(page.items ?? []));
  return all;
}

async function* loadBalancerPages(client: ElasticLoadBalancingV2Client) {
  for await (const page of paginateDescribeLoadBalancers({ client, pageSize: ELBV2_PAGE_SIZE }, {}))
    yield { items: page.LoadBalancers };
}

async function* targetGroupPages(client: ElasticLoadBalancingV2Client) {
  for await (const page of paginateDescribeTargetGroups({ client, pageSize: ELBV2_PAGE_SIZE }, {}))
    yield { items: page.TargetGroups };
}

/** The listeners of one load balancer; none when the load balancer is gone. */
async function listenersOf(
  client: ElasticLoadBalancingV2Client,
  LoadBalancerArn: string,
): Promise<Listener[]> {
  try {
    const listeners: Listener[] = [];
    for await (const page of paginateDescribeListeners(
      { client, pageSize: ELBV2_PAGE_SIZE },
      { LoadBalancerArn },
    ))
      listeners.push(...(page.Listeners ?? []));
    return listeners;
  } catch (error) {
    if ((error as { name?: string }).name === 'LoadBalancerNotFoundException') return [];
    throw error;
  }
}

async function tagsOf(
  client: ElasticLoadBalancingV2Client,
  arns: string[],
): Promise<Map<string, Record<string, string>>> {
  const tags = new Map<string, Record<string, string>>();
  for (const part of chunk(arns, ELBV2_TAGS_PER_CALL)) {
    const response = await client.send(new DescribeTagsCommand({ ResourceArns: part }));
    for (const description of response.TagDescriptions ?? [])
      if (description.ResourceArn) tags.set(description.ResourceArn, tagMap(description.Tags));
  }
  return tags;
}

function liveAction(action: Action): View {
  const redirect = action.RedirectConfig;
  const fixed = action.FixedResponseConfig;
  return actionView({
    type: action.Type,
    target_group_arn: action.TargetGroupArn,
    redirect: redirect && {
      host: redirect.Host,
      path: redirect.Path,
      port: redirect.Port,
      protocol: redirect.Protocol,
      query: redirect.Query,
      status_code: redirect.StatusCode,
    },
    fixed_response: fixed && {
      content_type: fixed.ContentType,
      message_body: fixed.MessageBody,
      status_code: fixed.StatusCode,
    },
  });
}

function liveView(item: LoadBalancer | Listener | TargetGroup, type: string): View {
  if (type === 'aws_lb') {
    const lb = item as LoadBalancer;
    return loadBalancerView({
      name: lb.LoadBalancerName,
      scheme: lb.Scheme,
      type: lb.Type,
      ipAddressType: lb.IpAddressType,
      securityGroups: lb.SecurityGroups,
      subnets: (lb.AvailabilityZones ?? []).flatMap((zone) =>
        zone.SubnetId ? [zone.SubnetId] : [],
      ),
    });
  }
  if (type === 'aws_lb_listener') {
    const listener = item as Listener;
    const certificate =
      listener.Certificates?.find((entry) => entry.IsDefault) ?? listener.Certificates?.[0];
    return {
      load_balancer_arn: listener.LoadBalancerArn ?? null,
      port: listener.Port ?? null,
      protocol: listener.Protocol ?? null,
      ssl_policy: listener.SslPolicy ?? '',
      certificate_arn: certificate?.CertificateArn ?? '',
      default_action: [...(listener.DefaultActions ?? [])]
        .sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
        .map(liveAction),
    };
  }
  const group = item as TargetGroup;
  return {
    name: group.TargetGroupName ?? null,
    port: group.Port ?? null,
    protocol: group.Protocol ?? null,
    vpc_id: group.VpcId ?? null,
    target_type: group.TargetType ?? 'instance',
    health_check: [
      healthCheckView({
        enabled: group.HealthCheckEnabled,
        healthyThreshold: group.HealthyThresholdCount,
        interval: group.HealthCheckIntervalSeconds,
        matcher: group.Matcher?.HttpCode ?? group.Matcher?.GrpcCode,
        path: group.HealthCheckPath,
        port: group.HealthCheckPort,
        protocol: group.HealthCheckProtocol,
        timeout: group.HealthCheckTimeoutSeconds,
        unhealthyThreshold: group.UnhealthyThresholdCount,
      }),
    ],
  };
}

function recordedView(instance: StateInstance): View {
  const attributes = instance.attributes;
  const base =
    instance.type === 'aws_lb'
      ? recordedLoadBalancer(attributes)
      : instance.type === 'aws_lb_listener'
        ? recordedListener(attributes)
        : recordedTargetGroup(attributes);
  return { ...base, ...recordedTagAttributes(attributes) };
}

export const elbv2Family: ResourceFamily = {
  name: 'load balancers',
  types: ELBV2_TYPES,
  async scan(session, instances) {
    const client = session.elbv2();
    const ofType = (type: string) => instances.filter((instance) => instance.type === type);
    const live = new Map<string, LoadBalancer | Listener | TargetGroup>();
    if (ofType('aws_lb').length)
      for (const lb of await listAll(loadBalancerPages(client)))
        if (lb.LoadBalancerArn) live.set(lb.LoadBalancerArn, lb);
    if (ofType('aws_lb_target_group').length)
      for (const group of await listAll(targetGroupPages(client)))
        if (group.TargetGroupArn) live.set(group.TargetGroupArn, group);
    const balancers = new Set(
      ofType('aws_lb_listener').map((instance) =>
        String(instance.attributes.load_balancer_arn ?? ''),
      ),
    );
    for (const arn of balancers)
      if (arn)
        for (const listener of await listenersOf(client, arn))
          if (listener.ListenerArn) live.set(listener.ListenerArn, listener);

    const present = instances.map(idOf).filter((arn) => live.has(arn));
    const tags = await tagsOf(client, present);
    const comparisons = instances.map((instance): Comparison => {
      const item = live.get(idOf(instance));
      return {
        instance,
        recorded: recordedView(instance),
        live: item
          ? {
              ...liveView(item, instance.type),
              ...liveTagAttributes(tags.get(idOf(instance)) ?? {}, instance.attributes),
            }
          : null,
      };
    });
    return { comparisons };
  },
};

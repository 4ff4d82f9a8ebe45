/**
 * An EC2 Query API that pages and filters the way EC2 does (MaxResults within the
 * action's limits, NextToken, Filter.N.Name / Filter.N.Value.M with AND across filters
 * and OR within one), over objects a test or benchmark describes. moto ignores
 * MaxResults, so paging is checked against this instead. Answers are the XML EC2 sends.
 */

/** One live object: its values for each filter name and its XML `<item>`. */
export interface FakeEc2Object {
  filters: Record<string, string>;
  xml: string;
}

export interface FakeEc2Call {
  action: string;
  maxResults: number | undefined;
  filters: Record<string, string[]>;
}

/** Each Describe action's list element and its largest page (the API's MaxResults bound). */
export const PAGED_ACTIONS: Record<
  string,
  { list: string; maxResults: number; idParam?: [string, string] }
> = {
  DescribeSecurityGroups: { list: 'securityGroupInfo', maxResults: 1000 },
  DescribeSecurityGroupRules: { list: 'securityGroupRuleSet', maxResults: 1000 },
  DescribeVpcs: { list: 'vpcSet', maxResults: 1000 },
  DescribeSubnets: { list: 'subnetSet', maxResults: 1000 },
  DescribeRouteTables: { list: 'routeTableSet', maxResults: 100 },
  DescribeNetworkAcls: {
    list: 'networkAclSet',
    maxResults: 100,
    idParam: ['NetworkAclId.', 'network-acl-id'],
  },
  DescribeInternetGateways: { list: 'internetGatewaySet', maxResults: 1000 },
  DescribeNatGateways: { list: 'natGatewaySet', maxResults: 1000 },
  DescribeInstances: { list: 'reservationSet', maxResults: 1000 },
};

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function filtersOf(params: URLSearchParams): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const [key, value] of params) {
    const name = /^Filter\.(\d+)\.Name$/.exec(key);
    if (!name) continue;
    const values = [...params]
      .filter(([other]) => other.startsWith(`Filter.${name[1]}.Value.`))
      .map(([, v]) => v);
    filters[value] = values;
  }
  return filters;
}

function errorXml(code: string, message: string): string {
  return `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r</RequestID></Response>`;
}

/**
 * Answer one EC2 request (its form-encoded body) from `objects` (by action), recording
 * the call. DescribeVpcAttribute answers true for both DNS settings.
 */
export function answerEc2(
  objects: Record<string, FakeEc2Object[]>,
  body: string,
  calls: FakeEc2Call[],
): { status: number; xml: string } {
  const params = new URLSearchParams(body);
  const action = params.get('Action') ?? '';
  const maxResultsParam = params.get('MaxResults');
  const maxResults = maxResultsParam === null ? undefined : Number(maxResultsParam);
  const filters = filtersOf(params);
  const idParam = PAGED_ACTIONS[action]?.idParam;
  const ids = idParam
    ? [...params].filter(([key]) => key.startsWith(idParam[0])).map(([, value]) => value)
    : [];
  // Ids named directly (NetworkAclId.N) select like a filter on the object's own id.
  if (idParam && ids.length > 0) filters[idParam[1]] = ids;
  calls.push({ action, maxResults, filters });
  if (action === 'DescribeVpcAttribute') {
    const attribute =
      params.get('Attribute') === 'enableDnsHostnames' ? 'enableDnsHostnames' : 'enableDnsSupport';
    return {
      status: 200,
      xml: `<DescribeVpcAttributeResponse xmlns="${XMLNS}"><requestId>r</requestId><vpcId>${params.get('VpcId')}</vpcId><${attribute}><value>true</value></${attribute}></DescribeVpcAttributeResponse>`,
    };
  }
  const spec = PAGED_ACTIONS[action];
  if (!spec) return { status: 400, xml: errorXml('InvalidAction', `${action} is not faked`) };
  if (maxResults !== undefined && (maxResults < 5 || maxResults > spec.maxResults)) {
    return {
      status: 400,
      xml: errorXml('InvalidParameterValue', `MaxResults must be between 5 and ${spec.maxResults}`),
    };
  }
  const matching = (objects[action] ?? []).filter((object) =>
    Object.entries(filters).every(([name, values]) => values.includes(object.filters[name] ?? '')),
  );
  const start = Number(params.get('NextToken') ?? 0);
  const size = maxResults ?? matching.length;
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? `<nextToken>${start + size}</nextToken>` : '';
  const items =
    action === 'DescribeInstances'
      ? `<item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet>${page.map((object) => object.xml).join('')}</instancesSet></item>`
      : page.map((object) => object.xml).join('');
  return {
    status: 200,
    xml: `<${action}Response xmlns="${XMLNS}"><requestId>r</requestId><${spec.list}>${items}</${spec.list}>${next}</${action}Response>`,
  };
}

# Helpers shared by driftgate's default policies. The input is the resources a codify
# patch leaves (see docs/guardrails.md, "Policy checks on codify"):
#   {"resources": [{"address", "type", "name", "values"}]}
# where `values` is the resource's arguments as the code says them (nested blocks as lists
# of objects, references to variables and locals resolved, unknown values left out).
package driftgate.lib

internet_cidrs := {"0.0.0.0/0", "::/0"}

# Ports a person would administer a host or a database through.
admin_ports := {
	22: "SSH",
	3389: "RDP",
	5432: "PostgreSQL",
	3306: "MySQL",
	1433: "SQL Server",
	1521: "Oracle",
	27017: "MongoDB",
	6379: "Redis",
	9200: "Elasticsearch",
}

all_protocols := {"-1", "all"}

protocol_name(p) := lower(sprintf("%v", [p]))

is_all_protocols(p) if all_protocols[protocol_name(p)]

is_tcp(p) if protocol_name(p) in {"tcp", "6"}

# The ports of an admin service inside [from, to] (numbers or numeric strings).
admin_ports_in(from, to) := {port |
	some port, _ in admin_ports
	to_number(from) <= port
	port <= to_number(to)
}

# The internet-wide CIDRs of a rule: [attribute, index in its list (-1: not a list), cidr].
internet_sources(rule) := {[attribute, index, cidr] |
	some attribute in ["cidr_blocks", "ipv6_cidr_blocks"]
	some index, cidr in rule[attribute]
	internet_cidrs[cidr]
} | {[attribute, -1, cidr] |
	some attribute in ["cidr_ipv4", "cidr_ipv6"]
	cidr := rule[attribute]
	internet_cidrs[cidr]
}

# Every ingress rule of the input: [resource, path to the rule inside it, rule].
ingress_rules contains [resource, ["ingress", i], rule] if {
	some resource in input.resources
	resource.type == "aws_security_group"
	some i, rule in resource.values.ingress
}

ingress_rules contains [resource, [], resource.values] if {
	some resource in input.resources
	resource.type == "aws_security_group_rule"
	resource.values.type == "ingress"
}

ingress_rules contains [resource, [], resource.values] if {
	some resource in input.resources
	resource.type == "aws_vpc_security_group_ingress_rule"
}

protocol_of(rule) := rule.protocol

protocol_of(rule) := rule.ip_protocol

# A rule's port range; an all-protocols rule has none (it covers every port).
port_range(rule) := [rule.from_port, rule.to_port]

source_path(prefix, attribute, index) := array.concat(prefix, [attribute]) if index < 0

source_path(prefix, attribute, index) := array.concat(prefix, [attribute, index]) if index >= 0

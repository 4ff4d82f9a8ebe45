package driftgate_test

import data.driftgate

sg(ingress) := {"resources": [{
	"address": "aws_security_group.web",
	"type": "aws_security_group",
	"name": "web",
	"values": {"name": "web", "ingress": ingress},
}]}

rules_of(result) := {f.rule | some f in result}

test_ssh_open_to_the_internet if {
	result := driftgate.findings with input as sg([
		{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
		{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]},
	])
	result == {{
		"rule": "DG-NET-001",
		"address": "aws_security_group.web",
		"path": ["ingress", 1, "cidr_blocks", 1],
		"message": "SSH (tcp/22) is open to 0.0.0.0/0",
	}}
}

test_database_port_in_a_range_over_ipv6 if {
	result := driftgate.findings with input as sg([{
		"protocol": "6", "from_port": "5000", "to_port": "6000",
		"ipv6_cidr_blocks": ["::/0"],
	}])
	{f.message | some f in result} == {"PostgreSQL (tcp/5432) is open to ::/0"}
}

test_ssh_from_a_private_range_is_fine if {
	count(driftgate.findings) == 0 with input as sg([{
		"protocol": "tcp", "from_port": 22, "to_port": 22,
		"cidr_blocks": ["10.0.0.0/8"],
	}])
}

test_all_protocols_open_to_the_internet if {
	result := driftgate.findings with input as sg([{
		"protocol": "-1", "from_port": 0, "to_port": 0,
		"cidr_blocks": ["0.0.0.0/0"],
	}])
	rules_of(result) == {"DG-NET-002"}
}

test_rule_resources if {
	result := driftgate.findings with input as {"resources": [
		{
			"address": "aws_security_group_rule.rdp", "type": "aws_security_group_rule", "name": "rdp",
			"values": {"type": "ingress", "protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]},
		},
		{
			"address": "aws_security_group_rule.out", "type": "aws_security_group_rule", "name": "out",
			"values": {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]},
		},
		{
			"address": "aws_vpc_security_group_ingress_rule.all", "type": "aws_vpc_security_group_ingress_rule", "name": "all",
			"values": {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"},
		},
	]}
	{[f.rule, f.address, f.path] | some f in result} == {
		["DG-NET-001", "aws_security_group_rule.rdp", ["cidr_blocks", 0]],
		["DG-NET-002", "aws_vpc_security_group_ingress_rule.all", ["cidr_ipv4"]],
	}
}

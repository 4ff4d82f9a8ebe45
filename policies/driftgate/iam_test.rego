package driftgate_test

import data.driftgate

policy(document) := {"resources": [{
	"address": "aws_iam_policy.deploy", "type": "aws_iam_policy", "name": "deploy",
	"values": {"policy": json.marshal(document)},
}]}

test_wildcard_actions if {
	result := driftgate.findings with input as policy({
		"Version": "2012-10-17",
		"Statement": [
			{"Effect": "Allow", "Action": ["s3:GetObject", "s3:*"], "Resource": "*"},
			{"Effect": "Allow", "Action": "*", "Resource": "*"},
			{"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
		],
	})
	{f.message | some f in result} == {
		"the policy allows the wildcard action \"s3:*\"",
		"the policy allows the wildcard action \"*\"",
	}
	{f.rule | some f in result} == {"DG-IAM-001"}
}

test_single_statement_and_exact_actions if {
	count(driftgate.findings) == 0 with input as policy({
		"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
	})
}

test_role_inline_policy if {
	result := driftgate.findings with input as {"resources": [{
		"address": "aws_iam_role.ci", "type": "aws_iam_role", "name": "ci",
		"values": {"inline_policy": [{"name": "all", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]})}]},
	}]}
	{f.path | some f in result} == {["inline_policy", 0, "policy"]}
}

test_not_json_is_ignored if {
	count(driftgate.findings) == 0 with input as {"resources": [{
		"address": "aws_iam_policy.x", "type": "aws_iam_policy", "name": "x",
		"values": {"policy": "not json"},
	}]}
}

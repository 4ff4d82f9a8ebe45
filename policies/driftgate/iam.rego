# IAM policy documents a codify patch must not widen to wildcards silently.
package driftgate

# Resources whose `policy` argument is an IAM policy document (a JSON string, or
# jsonencode(...) of an object: driftgate hands both to the engine as the JSON text).
iam_policy_types := {
	"aws_iam_policy",
	"aws_iam_role_policy",
	"aws_iam_user_policy",
	"aws_iam_group_policy",
}

iam_documents contains [resource.address, ["policy"], doc] if {
	some resource in input.resources
	iam_policy_types[resource.type]
	json.is_valid(resource.values.policy)
	doc := json.unmarshal(resource.values.policy)
}

iam_documents contains [resource.address, ["inline_policy", i, "policy"], doc] if {
	some resource in input.resources
	resource.type == "aws_iam_role"
	some i, inline in resource.values.inline_policy
	json.is_valid(inline.policy)
	doc := json.unmarshal(inline.policy)
}

as_list(value) := value if is_array(value)

as_list(value) := [value] if not is_array(value)

statements(doc) := as_list(doc.Statement)

wildcard_action(action) if action == "*"

wildcard_action(action) if endswith(action, ":*")

# DG-IAM-001: an Allow statement granting every action (of all services, or of one).
findings contains finding if {
	some [address, path, doc] in iam_documents
	some statement in statements(doc)
	statement.Effect == "Allow"
	some action in as_list(statement.Action)
	wildcard_action(action)
	finding := {
		"rule": "DG-IAM-001",
		"address": address,
		"path": path,
		"message": sprintf("the policy allows the wildcard action \"%s\"", [action]),
	}
}

package driftgate_test

import data.driftgate

db(values) := {"resources": [{"address": "aws_db_instance.main", "type": "aws_db_instance", "name": "main", "values": values}]}

test_public_database if {
	result := driftgate.findings with input as db({"engine": "postgres", "publicly_accessible": true})
	result == {{
		"rule": "DG-DB-001",
		"address": "aws_db_instance.main",
		"path": ["publicly_accessible"],
		"message": "the database instance is publicly accessible",
	}}
}

test_private_or_unknown_database if {
	count(driftgate.findings) == 0 with input as db({"engine": "postgres", "publicly_accessible": false})
	count(driftgate.findings) == 0 with input as db({"engine": "postgres"})
}

# Databases a codify patch must not make public silently.
package driftgate

public_database_types := {"aws_db_instance", "aws_rds_cluster_instance"}

# DG-DB-001: a database instance with a public address.
findings contains finding if {
	some resource in input.resources
	public_database_types[resource.type]
	resource.values.publicly_accessible == true
	finding := {
		"rule": "DG-DB-001",
		"address": resource.address,
		"path": ["publicly_accessible"],
		"message": "the database instance is publicly accessible",
	}
}

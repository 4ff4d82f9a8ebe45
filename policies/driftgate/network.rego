# Network exposure a codify patch must not write silently.
package driftgate

import data.driftgate.lib

# DG-NET-001: an administration or database port reachable from the whole internet.
findings contains finding if {
	some [resource, prefix, rule] in lib.ingress_rules
	lib.is_tcp(lib.protocol_of(rule))
	[from, to] := lib.port_range(rule)
	some port in lib.admin_ports_in(from, to)
	some [attribute, index, cidr] in lib.internet_sources(rule)
	finding := {
		"rule": "DG-NET-001",
		"address": resource.address,
		"path": lib.source_path(prefix, attribute, index),
		"message": sprintf("%s (tcp/%d) is open to %s", [lib.admin_ports[port], port, cidr]),
	}
}

# DG-NET-002: every protocol and port reachable from the whole internet.
findings contains finding if {
	some [resource, prefix, rule] in lib.ingress_rules
	lib.is_all_protocols(lib.protocol_of(rule))
	some [attribute, index, cidr] in lib.internet_sources(rule)
	finding := {
		"rule": "DG-NET-002",
		"address": resource.address,
		"path": lib.source_path(prefix, attribute, index),
		"message": sprintf("all protocols and ports are open to %s", [cidr]),
	}
}

package domain

import "slices"

// Role is a member's role inside one organization.
type Role string

const (
	RoleAdmin     Role = "ORGANIZATION:ADMIN"
	RoleAgent     Role = "ORGANIZATION:AGENT"
	RoleOperator  Role = "ORGANIZATION:OPERATOR"
	RoleAnalytics Role = "ORGANIZATION:ANALYTICS"
	RoleExport    Role = "ORGANIZATION:EXPORT"
)

// AssignableRoles lists, in a stable order, every role a member can be given.
var AssignableRoles = []Role{RoleAdmin, RoleAgent, RoleOperator, RoleAnalytics, RoleExport}

// ValidRole reports whether r is one of the assignable roles.
func ValidRole(r Role) bool { return slices.Contains(AssignableRoles, r) }

// Roles is the set of roles one member holds.
type Roles []Role

// Has reports whether the set holds r.
func (rs Roles) Has(r Role) bool { return slices.Contains(rs, r) }

// Normalize returns the roles sorted in the canonical order, without duplicates.
func (rs Roles) Normalize() Roles {
	out := Roles{}
	for _, r := range AssignableRoles {
		if rs.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// ParseRoles validates role names coming from a client.
func ParseRoles(path string, names []string) (Roles, error) {
	var vs Violations
	rs := Roles{}
	for _, n := range names {
		r := Role(n)
		if !ValidRole(r) {
			vs.Add(path, MsgUnknownRole, n)
			continue
		}
		rs = append(rs, r)
	}
	if err := vs.Err(); err != nil {
		return nil, err
	}
	return rs.Normalize(), nil
}

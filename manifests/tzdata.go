package manifests

// Windows hosts have no zoneinfo database: embed one so that spec.timeZone resolves anywhere.
import _ "time/tzdata"

package manifests

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
)

func validateServer(e *objErrs, s *ServerSpec) {
	checkName(e, "spec.agent", s.Agent, true)
	productOK := checkEnum(e, "spec.product", s.Product, ProductEnterpriseServer, ProductNexusServer)
	checkPath(e, "spec.installDir", s.InstallDir, productOK)
	checkPath(e, "spec.localVaultIni", s.LocalVaultIni, false)
	checkPath(e, "spec.avbackup", s.Avbackup, false)

	checkPath(e, "spec.iis.applicationHostConfig", s.IIS.ApplicationHostConfig, false)
	if s.IIS.Site == "" {
		e.add("spec.iis.site", "is required")
	}
	checkArgv(e, "spec.iis.stop", s.IIS.Stop)
	checkArgv(e, "spec.iis.start", s.IIS.Start)

	o := &s.Oracle
	checkPath(e, "spec.oracle.tnsnames", o.Tnsnames, true)
	checkOracleID(e, "spec.oracle.schema", o.Schema, true)
	checkSecret(e, "spec.oracle.schemaPassword", o.SchemaPassword, true)
	validateAdmin(e, &o.Admin)
	validateDump(e, &o.Dump)
	for i, c := range o.AcceptWarnings {
		if !messageCode.MatchString(c) {
			e.add(fmt.Sprintf("spec.oracle.acceptWarnings[%d]", i), fmt.Sprintf("%q is not a message code (EXP-, IMP-, ORA- or KUP- and five digits, e.g. ORA-39082)", c))
		}
	}
	checkOracleID(e, "spec.oracle.pdb", o.PDB, false)

	if loc := s.Expect.DBLocation; loc != "" {
		if msg := checkHostPort(loc); msg != "" {
			e.add("spec.expect.dbLocation", msg)
		}
	}
	checkDuration(e, "spec.checkInterval", s.CheckInterval, false, 0)
	checkDuration(e, "spec.timeouts.serviceStop", s.Timeouts.ServiceStop, false, 0)
	checkDuration(e, "spec.timeouts.avbackup", s.Timeouts.Avbackup, false, 0)
	checkDuration(e, "spec.timeouts.dump", s.Timeouts.Dump, false, 0)
	checkDuration(e, "spec.timeouts.oracle", s.Timeouts.Oracle, false, 0)
}

func validateAdmin(e *objErrs, a *OracleAdminSpec) {
	const f = "spec.oracle.admin"
	if !checkEnum(e, f+".driver", a.Driver, DriverGoOra, DriverSqlplus) {
		return
	}
	if a.Driver == DriverGoOra {
		checkOracleID(e, f+".user", a.User, true)
		checkSecret(e, f+".password", a.Password, true)
		if a.Sqlplus != "" {
			e.add(f+".sqlplus", "only with driver sqlplus")
		}
		return
	}
	if a.User != "" {
		e.add(f+".user", "only with driver go-ora (sqlplus connects / as sysdba)")
	}
	if a.Password != (SecretRef{}) {
		e.add(f+".password", "only with driver go-ora (sqlplus connects / as sysdba)")
	}
	checkPath(e, f+".sqlplus", a.Sqlplus, false)
}

func validateDump(e *objErrs, d *DumpSpec) {
	const f = "spec.oracle.dump"
	checkPath(e, f+".bin", d.Bin, false)
	if !checkEnum(e, f+".tool", d.Tool, DumpExp, DumpExpdp) {
		return
	}
	if d.Tool == DumpExpdp {
		checkOracleID(e, f+".directory", d.Directory, true)
		checkPath(e, f+".directoryPath", d.DirectoryPath, true)
		return
	}
	if d.Directory != "" {
		e.add(f+".directory", "only with tool expdp")
	}
	if d.DirectoryPath != "" {
		e.add(f+".directoryPath", "only with tool expdp")
	}
}

// checkHostPort returns why s is not host:port, or "".
func checkHostPort(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" {
		return fmt.Sprintf("%q is not host:port", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("%q: port must be a number from 1 to 65535", s)
	}
	return ""
}

var messageCode = regexp.MustCompile(`^(EXP|IMP|ORA|KUP)-[0-9]{5}$`)

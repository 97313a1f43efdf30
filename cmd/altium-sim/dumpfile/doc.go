// Package dumpfile is the on-disk format of the simulator's Oracle dumps, streamed both
// ways with bounded memory.
//
// A classic export (exp) file starts like Oracle's: byte 0x03, the two-byte character-set
// id 0x00B2 (178, WE8MSWIN1252), "EXPORT:V19.00.00", '\n'. A Data Pump (expdp) file has no
// such header (Oracle documents no magic for it); the simulator writes a 4 KiB header
// block of its own ("\x00\x01KU$DFHDR " and the fields DBMS_DATAPUMP.GET_DUMPFILE_INFO
// reports: file version, the database's charset id and name, platform, the release's
// database version, job name, zero-padded),
// so imp rejects it (IMP-00010) and impdp rejects a classic file (ORA-39143) as the real
// tools do, and the simulated DBMS_DATAPUMP.GET_DUMPFILE_INFO answers from it (FileInfo);
// vaultkeeper reads none of those bytes. Both continue with text lines:
//
//	D<exporting user>
//	RUSERS
//	SIMDUMP 1
//	OWNER <name> TABLESPACE <ts> GENERATION <n> [PASSWORD x<hex>]   (PASSWORD: Data Pump only)
//	OBJECTS <TYPE>=<n> ...
//	TABLE <name> TABLESPACE <ts> ROWS <n>
//	<n rows of simdb.RowSize bytes: simdb.Row(name, i, generation)>
//	ENDOWNER <name>
//	EXIT
//	EXIT
//
// The double EXIT trailer (as in real export files) makes truncation detectable; rows are
// checked against simdb.Row while reading, so corruption is detected too.
package dumpfile

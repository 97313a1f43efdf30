// Package setverify verifies a backup set folder against its vaultkeeper.json.
//
// L1 checks every listed file's size and then its SHA-256 (files in parallel, bounded by
// GOMAXPROCS), and reports missing and extra files. L2 checks structure: the zip's central
// directory, and every entry decompressed with its CRC-32 checked (entries in parallel, each
// with its own section reader on the file, decompressed by klauspost/compress/flate); entry
// names that would escape their folder fail; the dump's header (classic exp: 0x03, a two-byte
// character-set id, "EXPORT:V…"; Data Pump: no documented magic, so recognised by
// elimination); and the export log, classified by checks/oralog and held to the
// warnings the record says were allowed.
//
// Everything streams through fixed buffers, so memory stays flat whatever the set's size.
// Verify only reads; Record appends the results to vaultkeeper.json atomically.
package setverify

// Package avbackup simulates Altium's avbackup.exe with an Oracle backend: it handles the
// file storage only. `backup -z ZIP -i INI` writes a deflate zip of ROOT/FileStorage with
// a manifest entry (avbackup-manifest.json: generation and file count); `restore -z ZIP
// -i INI` checks the zip fully, then replaces the file storage with its content. Both stop
// the IIS services that run (W3SVC, WAS and WAS's dependents) and start again exactly
// those they stopped, as the vendor's pages say. The real tool's messages and exit codes
// are not documented: these are plausible, and any failure exits 1.
package avbackup

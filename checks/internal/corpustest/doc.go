// Package corpustest finds the shared real-world corpus (../shared/corpus next to the
// repository) for the parser tests, which read its files in place and never copy them.
package corpustest

// Package capread reads input files with a size cap, so that an oversized manifest,
// tnsnames.ora, LocalVault.ini or applicationHost.config is refused at once, naming the file
// and the limit, instead of being read whole into memory. A file whose size is known is
// refused from its size without reading a byte; otherwise (pipes, files that grow while
// read) at most limit+1 bytes are read.
//
// It is a leaf under manifests/ because the top level is fixed (DESIGN §2) and both the
// manifest loader and checks/ (which already imports manifests) read inputs through it;
// manifests may not import checks/ nor state/ the other way round.
package capread

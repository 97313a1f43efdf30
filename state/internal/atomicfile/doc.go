// Package atomicfile writes files so that a crash or a full disk leaves either the old or the
// new content, never a mix: a temporary file in the same folder, fsync, rename over the
// target, fsync of the folder. A folder that cannot be written gives an error naming it and
// leaves the old file as it was.
package atomicfile

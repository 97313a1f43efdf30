package manifests

import "flag"

// update rewrites golden files and the committed JSON Schema instead of comparing with them.
var update = flag.Bool("update", false, "rewrite golden files and schema/vaultkeeper.schema.json")

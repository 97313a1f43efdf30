// Package testtool holds what many tests share: Golden (compare with testdata/ golden files,
// -update rewrites them), and Require for tests that need an outside program (git, promtool, prometheus,
// unzip, restic, gpg): under CI (CI=true) a missing program fails the test, elsewhere it
// skips with the reason. `make test` installs them first, so nothing hides behind a skip.
package testtool

// Package testtool is for tests that need an outside program (git, promtool, prometheus,
// unzip, restic, gpg): under CI (CI=true) a missing program fails the test, elsewhere it
// skips with the reason. `make test` installs them first, so nothing hides behind a skip.
package testtool

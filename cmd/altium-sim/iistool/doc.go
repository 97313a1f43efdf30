// Package iistool simulates the Windows commands that drive IIS: `net start|stop SERVICE
// [/y]` for WAS, W3SVC and the listener adapters (messages and NET HELPMSG exit code 2 as
// the real net prints them), and `appcmd list site [/xml]`, `appcmd start|stop site NAME`
// with appcmd's output formats. State lives in ROOT/iis.json (package host).
package iistool

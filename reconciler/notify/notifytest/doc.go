// Package notifytest runs the receivers notification tests deliver to, in the test's own
// process on 127.0.0.1: an HTTP webhook receiver that checks the HMAC signature, and a minimal
// SMTP server (EHLO, STARTTLS with a certificate made for the test, AUTH PLAIN, MAIL, RCPT,
// DATA, QUIT) that keeps the mails it accepted. Only tests import it.
package notifytest

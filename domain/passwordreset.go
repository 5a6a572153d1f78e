package domain

import "crypto/sha256"

// HashResetToken is how a password reset token is looked up: only its SHA-256 is stored, so the
// database alone never gives a usable link.
func HashResetToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

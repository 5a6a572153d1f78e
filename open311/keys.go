package open311

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// keyPrefix marks Open311 API keys, so that a leaked one is recognised for what it is.
const keyPrefix = "o311_"

// NewKey returns a new API key (32 random bytes) and the hash that is stored in its place.
func NewKey() (key string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics first)
	key = keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, HashKey(key)
}

// HashKey is how a key is stored and looked up: a random 256-bit key needs no slow hash.
func HashKey(key string) []byte {
	h := sha256.Sum256([]byte(strings.TrimSpace(key)))
	return h[:]
}

package api

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// LoadSigningKey reads the RSA key from pemText or file; with neither, it uses (and on first use
// creates) a development key in dataDir, so tokens survive restarts on a laptop.
func LoadSigningKey(pemText, file, dataDir string, log *slog.Logger) (*rsa.PrivateKey, error) {
	if pemText != "" {
		return parseRSAKey([]byte(pemText))
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("JWT_PRIVATE_KEY_FILE: %w", err)
		}
		return parseRSAKey(b)
	}
	path := filepath.Join(dataDir, "jwt-dev-key.pem")
	if b, err := os.ReadFile(path); err == nil {
		return parseRSAKey(b)
	}
	log.Warn("no JWT_PRIVATE_KEY configured: generating a development signing key", "path", path)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	won, err := publishOnce(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil || won {
		return key, err
	}
	// Another process published its key first: every process signs with that one.
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseRSAKey(b)
}

// publishOnce writes content to path unless path exists, and says whether it did. Processes
// starting together may all generate a key: the content is written whole under a name of its own,
// then linked to path, which fails for all but the first (a rename would let the last one
// overwrite a key the first is already signing with).
func publishOnce(path string, content []byte) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp") // readable by its owner only
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}

func parseRSAKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("JWT key: no PEM block found")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("JWT key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("JWT key: not an RSA key (RS256 needs one)")
	}
	return rk, nil
}

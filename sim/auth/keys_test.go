package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadSigningKeyForms loads the demo key written in each PEM form a
// user may have, labelled rightly or not, and checks the errors for keys
// stsim cannot sign with.
func TestLoadSigningKeyForms(t *testing.T) {
	demo, err := LoadSigningKey("")
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(demo.Private)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(demo.Private)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, label string
		der         []byte
		wantErr     string // "" loads the demo key
	}{
		{"PKCS#1", "RSA PRIVATE KEY", pkcs1, ""},
		{"PKCS#8", "PRIVATE KEY", pkcs8, ""},
		{"PKCS#1 labelled PKCS#8", "PRIVATE KEY", pkcs1, ""},
		{"PKCS#8 labelled PKCS#1", "RSA PRIVATE KEY", pkcs8, ""},
		{"EC key in PKCS#8", "PRIVATE KEY", ecPKCS8, "the key is not an RSA key"},
		{"EC key labelled PKCS#1", "RSA PRIVATE KEY", ecPKCS8, "the key is not an RSA key"},
		{"not a key", "PRIVATE KEY", []byte("not DER"), "not an RSA private key in PKCS#1 or PKCS#8 form"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".pem")
			if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: c.label, Bytes: c.der}), 0o600); err != nil {
				t.Fatal(err)
			}
			key, err := LoadSigningKey(path)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want one naming %s and saying %q", err, path, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if key.KID != demo.KID || !key.Private.Equal(demo.Private) {
				t.Fatalf("loaded key %s, want the demo key %s", key.KID, demo.KID)
			}
		})
	}
}

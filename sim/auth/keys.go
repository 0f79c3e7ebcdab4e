package auth

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
)

// demoKeyPEM is a published, throwaway RSA key so stsim starts without paying
// for key generation. It signs only simulator tokens; use -signing-key for a
// key of your own.
//
//go:embed demo-signing-key.pem
var demoKeyPEM []byte

// SigningKey is the RSA key that signs access tokens, with the identifiers
// IdentityServer publishes for it (contract §3: kid is an upper-case SHA-1
// thumbprint followed by "RS256", x5t the same thumbprint in base64url).
type SigningKey struct {
	Private *rsa.PrivateKey
	KID     string
	X5T     string
}

// LoadSigningKey reads a PEM RSA private key (PKCS#1 or PKCS#8); an empty
// path gives the embedded demo key.
func LoadSigningKey(path string) (*SigningKey, error) {
	data := demoKeyPEM
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
	}
	key, err := parseRSAKey(data)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", orDemo(path), err)
	}
	if key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("signing key %s: RSA key has %d bits; RS256 verifiers expect at least 2048", orDemo(path), key.N.BitLen())
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	sum := sha1.Sum(der)
	return &SigningKey{
		Private: key,
		KID:     strings.ToUpper(hex.EncodeToString(sum[:])) + "RS256",
		X5T:     base64.RawURLEncoding.EncodeToString(sum[:]),
	}, nil
}

func orDemo(path string) string {
	if path == "" {
		return "(embedded demo key)"
	}
	return path
}

func parseRSAKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	pkcs1 := func(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) }
	forms := []func([]byte) (any, error){pkcs1, x509.ParsePKCS8PrivateKey}
	if block.Type == "PRIVATE KEY" { // PKCS#8's label (the demo key's): try that form first
		forms[0], forms[1] = forms[1], forms[0]
	}
	var k any
	var err error
	for _, parse := range forms {
		if k, err = parse(block.Bytes); err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("not an RSA private key in PKCS#1 or PKCS#8 form")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the key is not an RSA key")
	}
	return rk, nil
}

// JWK is one public key in a JSON Web Key Set (RFC 7517).
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	X5T string `json:"x5t"`
	E   string `json:"e"`
	N   string `json:"n"`
	Alg string `json:"alg"`
}

// JWK returns the public half of k.
func (k *SigningKey) JWK() JWK {
	pub := k.Private.PublicKey
	return JWK{
		Kty: "RSA", Use: "sig", Kid: k.KID, X5T: k.X5T, Alg: "RS256",
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
	}
}

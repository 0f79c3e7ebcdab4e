package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/stsim/stsim/sim/config"
)

// selfSignedHosts are the names the -tls certificate covers: this machine,
// and ServiceTitan's hosts, so a client that hard-codes them can be pointed
// at stsim through the hosts file.
var selfSignedHosts = []string{"localhost", "127.0.0.1", "::1",
	"auth-integration.servicetitan.io", "api-integration.servicetitan.io",
	"auth.servicetitan.io", "api.servicetitan.io"}

// certFiles is where the certificate and key stsim serves with live: the
// given files, or for -tls the pair beside the data file (the working
// directory without one).
func certFiles(cfg config.Config) (cert, key string) {
	if cfg.TLSCertFile != "" {
		return cfg.TLSCertFile, cfg.TLSKeyFile
	}
	dir := "."
	if cfg.DataFile != "" {
		dir = filepath.Dir(cfg.DataFile)
	}
	return filepath.Join(dir, "stsim-tls-cert.pem"), filepath.Join(dir, "stsim-tls-key.pem")
}

// serverTLS loads (for -tls, first creates if missing) the certificate; nil
// when stsim serves plain HTTP.
func serverTLS(cfg config.Config) (*tls.Config, error) {
	if !cfg.TLS() {
		return nil, nil
	}
	certFile, keyFile := certFiles(cfg)
	if cfg.TLSSelfSigned {
		if _, err := os.Stat(certFile); errors.Is(err, os.ErrNotExist) {
			if err := writeSelfSigned(certFile, keyFile, cfg.Addr); err != nil {
				return nil, fmt.Errorf("cannot write the self-signed certificate: %w", err)
			}
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("cannot load the TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// writeSelfSigned creates a one-year ECDSA certificate for selfSignedHosts
// and the listen host, the key readable by its owner only.
func writeSelfSigned(certFile, keyFile, addr string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "stsim self-signed", Organization: []string{"stsim"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so clients can trust this one certificate as its own root
	}
	hosts := selfSignedHosts
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		hosts = append(hosts, host)
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !ip.IsUnspecified() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// trustingClient is an HTTP client that trusts the certificate stsim serves
// with (for health checks of an HTTPS stsim).
func trustingClient(cfg config.Config) (*http.Client, error) {
	if !cfg.TLS() {
		return http.DefaultClient, nil
	}
	certFile, _ := certFiles(cfg)
	pemData, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("%s holds no PEM certificate", certFile)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}

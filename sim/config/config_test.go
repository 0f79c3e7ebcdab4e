package config

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" || c.DataFile != "" || c.Validation != "enforce" ||
				c.TokenTTL != 900*time.Second || c.RateLimit != 60 || c.LogLevel != slog.LevelInfo ||
				c.Issuer != "http://127.0.0.1:8080" || c.StrictResponses {
				t.Fatalf("unexpected defaults: %+v", c)
			}
		}},
		{name: "limits", args: []string{"-read-timeout", "5s", "-max-connections", "0", "-token-rate-limit", "3"},
			env: map[string]string{"STSIM_IDLE_TIMEOUT": "1m", "STSIM_READ_HEADER_TIMEOUT": "2s", "STSIM_WRITE_TIMEOUT": "90s"},
			check: func(t *testing.T, c Config) {
				if c.ReadTimeout != 5*time.Second || c.MaxConnections != 0 || c.TokenRateLimit != 3 ||
					c.IdleTimeout != time.Minute || c.ReadHeaderTimeout != 2*time.Second || c.WriteTimeout != 90*time.Second {
					t.Fatalf("limits not applied: %+v", c)
				}
			}},
		{name: "zero timeout", args: []string{"-read-timeout", "0s"}, wantErr: "-read-timeout"},
		{name: "negative connections", env: map[string]string{"STSIM_MAX_CONNECTIONS": "-1"}, wantErr: "STSIM_MAX_CONNECTIONS"},
		{name: "env twins", env: map[string]string{"STSIM_ADDR": "0.0.0.0:9000", "STSIM_DATA": "/tmp/x.db",
			"STSIM_LOG_FORMAT": "json", "STSIM_LOG_LEVEL": "debug", "STSIM_VALIDATION": "WARN",
			"STSIM_STRICT_RESPONSES": "true", "STSIM_TOKEN_TTL": "30s", "STSIM_RATE_LIMIT": "0"},
			check: func(t *testing.T, c Config) {
				if c.Addr != "0.0.0.0:9000" || c.DataFile != "/tmp/x.db" || c.LogFormat != "json" ||
					c.LogLevel != slog.LevelDebug || c.Validation != "warn" || !c.StrictResponses ||
					c.TokenTTL != 30*time.Second || c.RateLimit != 0 || c.Issuer != "http://0.0.0.0:9000" {
					t.Fatalf("env not applied: %+v", c)
				}
			}},
		{name: "flag beats env", args: []string{"-addr", "127.0.0.1:0", "--validation=off"},
			env: map[string]string{"STSIM_ADDR": "0.0.0.0:9000", "STSIM_VALIDATION": "warn"},
			check: func(t *testing.T, c Config) {
				if c.Addr != "127.0.0.1:0" || c.Validation != "off" {
					t.Fatalf("flags did not win: %+v", c)
				}
			}},
		{name: "bare boolean flag", args: []string{"-strict-responses"}, check: func(t *testing.T, c Config) {
			if !c.StrictResponses {
				t.Fatal("-strict-responses alone did not turn strict mode on")
			}
		}},
		{name: "issuer given", args: []string{"-issuer", "https://auth.example.test/"}, check: func(t *testing.T, c Config) {
			if c.Issuer != "https://auth.example.test" {
				t.Fatalf("issuer = %q", c.Issuer)
			}
		}},
		{name: "environments", args: []string{"-env-prefix", "/env", "-production-hosts", " API.Example.test, auth.example.test ,"}, check: func(t *testing.T, c Config) {
			if c.EnvPrefix != "/env" || strings.Join(c.ProductionHosts, " ") != "api.example.test auth.example.test" {
				t.Fatalf("environments: prefix %q, hosts %q", c.EnvPrefix, c.ProductionHosts)
			}
		}},
		{name: "environment defaults", check: func(t *testing.T, c Config) {
			if c.EnvPrefix != "/_env" || strings.Join(c.ProductionHosts, " ") != "auth.servicetitan.io api.servicetitan.io" {
				t.Fatalf("environment defaults: %q %q", c.EnvPrefix, c.ProductionHosts)
			}
		}},
		{name: "no production hosts", env: map[string]string{"STSIM_PRODUCTION_HOSTS": ","}, check: func(t *testing.T, c Config) {
			if len(c.ProductionHosts) != 0 {
				t.Fatalf("production hosts %q", c.ProductionHosts)
			}
		}},
		{name: "bad env prefix", args: []string{"-env-prefix", "/_env/"}, wantErr: "a leading slash, no trailing one"},
		{name: "bare env prefix", args: []string{"-env-prefix", "/"}, wantErr: "a leading slash, no trailing one"},
		{name: "host with port", args: []string{"-production-hosts", "api.servicetitan.io:443"}, wantErr: "without port"},
		{name: "bad addr", args: []string{"-addr", "8080"}, wantErr: `invalid -addr "8080": must be host:port`},
		{name: "bad env level", env: map[string]string{"STSIM_LOG_LEVEL": "loud"}, wantErr: `invalid STSIM_LOG_LEVEL "loud"`},
		{name: "bad validation", args: []string{"-validation", "strictest"}, wantErr: "must be enforce, warn or off"},
		{name: "bad ttl", env: map[string]string{"STSIM_TOKEN_TTL": "500ms"}, wantErr: "at least 1s"},
		{name: "bad rate", args: []string{"-rate-limit", "-3"}, wantErr: "whole number >= 0"},
		{name: "bad bool", env: map[string]string{"STSIM_STRICT_RESPONSES": "yes please"}, wantErr: "true or false"},
		{name: "bad format", args: []string{"-log-format", "xml"}, wantErr: "text or json"},
		{name: "bad issuer", args: []string{"-issuer", "auth.example"}, wantErr: "http:// or https://"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flag provided but not defined: -nope"},
		{name: "stray argument", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.args, envOf(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestHelp(t *testing.T) {
	var out strings.Builder
	_, err := Load([]string{"-h"}, envOf(nil), &out)
	if !errors.Is(err, ErrHelp) {
		t.Fatalf("err = %v, want ErrHelp", err)
	}
	for _, o := range Options() {
		if !strings.Contains(out.String(), o.Env) {
			t.Errorf("usage does not mention %s", o.Env)
		}
	}
}

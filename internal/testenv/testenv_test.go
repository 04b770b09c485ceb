package testenv

import (
	"slices"
	"testing"
)

var pythonImportsTests = []struct {
	script string
	want   []string
}{
	{"import sys\nimport requests\n", []string{"sys", "requests"}},
	{"import os, sys as system\n", []string{"os", "sys"}},
	{"from requests_oauthlib import OAuth1\nfrom botocore.auth import SigV4Auth\n", []string{"requests_oauthlib", "botocore.auth"}},
	{"from . import x\n    import indented\n# import comment\n", nil},
	{"import jwt\nimport jwt\n", []string{"jwt"}},
}

func TestPythonImports(t *testing.T) {
	for _, tt := range pythonImportsTests {
		if got := pythonImports(tt.script); !slices.Equal(got, tt.want) {
			t.Errorf("pythonImports(%q) = %q; want %q", tt.script, got, tt.want)
		}
	}
}

var debianPackagesTests = []struct {
	text string
	want []string
}{
	{"# Needs Python 3 and requests (Debian: python3-requests).", []string{"python3-requests"}},
	{"(Debian: python3-jwt, python3-cryptography) and python3-jwt again", []string{"python3-jwt", "python3-cryptography"}},
	{"botocore (Debian: python3-botocore); requests_oauthlib (Debian: python3-requests-oauthlib).", []string{"python3-botocore", "python3-requests-oauthlib"}},
	{"no package here", nil},
}

func TestDebianPackages(t *testing.T) {
	for _, tt := range debianPackagesTests {
		if got := debianPackages(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("debianPackages(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

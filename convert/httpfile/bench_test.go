package httpfile

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkImportLarge is the worst case the caps allow in requests: the
// most requests, all with the same name, each with something unmapped.
func BenchmarkImportLarge(b *testing.B) {
	file := []byte(strings.Repeat("### a\nGET http://x.test/{{$guid}}\nAuthorization: Bearer tok\n\n> {% s %}\n", MaxRequests))
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := Import("large.http", file, Envs{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportRealFile imports a real JetBrains file with its
// environment file.
func BenchmarkImportRealFile(b *testing.B) {
	file, env := readTestdata(b, "minimal-api/GetPaymentsQuery.http"), readTestdata(b, "minimal-api/http-client.env.json")
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := Import("q.http", file, Envs{Public: env}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportManyVars is the worst case in variables: the most file
// variables, and requests that each use all of them.
func BenchmarkImportManyVars(b *testing.B) {
	var sb strings.Builder
	for i := range MaxVars {
		fmt.Fprintf(&sb, "@v%d = x{{v%d}}\n", i, i+1)
	}
	sb.WriteString("\n")
	for range MaxVarUses / MaxVars {
		sb.WriteString("###\nGET http://x.test/{{v0}}\n")
	}
	file := []byte(sb.String())
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := Import("vars.http", file, Envs{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLongTarget is one request whose target goes on over the
// most indented lines the size cap allows.
func BenchmarkImportLongTarget(b *testing.B) {
	file := []byte("GET http://x.test/" + strings.Repeat("\n a", (MaxFile-32)/3))
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := Import("long.http", file, Envs{}); err != nil {
			b.Fatal(err)
		}
	}
}

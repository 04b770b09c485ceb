package postman

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkImportReal imports Wise's published collection with its
// environment.
func BenchmarkImportReal(b *testing.B) {
	doc, err := os.ReadFile("testdata/real/wise-groups-api.postman_collection.json")
	if err != nil {
		b.Fatal(err)
	}
	env, err := os.ReadFile("testdata/real/wise-groups-api-sandbox.postman_environment.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc) + len(env)))
	for b.Loop() {
		if _, err := Import(doc, env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLarge imports MaxRequests requests in 100 folders, each
// with bearer auth inherited from its folder and a test script.
func BenchmarkImportLarge(b *testing.B) {
	var folders []string
	for f := 0; f < 100; f++ {
		var reqs []string
		for r := 0; r < MaxRequests/100; r++ {
			reqs = append(reqs, fmt.Sprintf(`{"name": "Get item %d", "event": [{"listen": "test", "script": {"exec": ["pm.test()"]}}], "request": {"method": "GET", "url": "{{base}}/items/%d?page=1", "header": [{"key": "Accept", "value": "application/json"}]}}`, r, r))
		}
		folders = append(folders, fmt.Sprintf(`{"name": "Folder %d", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}, "item": [%s]}`, f, strings.Join(reqs, ",")))
	}
	doc := []byte(`{"info": {"name": "Large", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "variable": [{"key": "base", "value": "https://api.example.com"}], "item": [` + strings.Join(folders, ",") + `]}`)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		r, err := Import(doc)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Profiles) != MaxRequests {
			b.Fatalf("got %d profiles; want %d", len(r.Profiles), MaxRequests)
		}
	}
}

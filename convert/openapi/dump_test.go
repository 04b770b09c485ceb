package openapi

import (
	"fmt"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	r, err := Import(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(r.Format)
	for _, p := range r.Profiles {
		fmt.Printf("%s %s %s scheme=%s %v %v\n   %s\n", p.Name, p.Method, p.URL, p.Scheme, p.Fields, p.Headers, p.Description)
	}
	for _, e := range r.Environments {
		fmt.Println("ENV", e.Name, e.Vars)
	}
	for _, u := range r.Unmapped {
		fmt.Println("UNMAPPED", u)
	}
	for _, n := range r.Notes {
		fmt.Println("NOTE", n)
	}
	full, total := r.Full()
	fmt.Println("FULL", full, total)
}

module github.com/authlab/authlab

go 1.26.0

require (
	github.com/dghubble/oauth1 v0.7.3
	github.com/mccutchen/go-httpbin/v2 v2.26.0
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	github.com/tidwall/pretty v1.3.0
	golang.org/x/term v0.48.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

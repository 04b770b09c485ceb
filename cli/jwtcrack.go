package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/authlab/authlab/authn"
	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"
)

// newJWT is `authlab jwt`: offline tools for JSON Web Tokens. Today one:
// crack, the dictionary attack of the jwt-weak attack lab (#20).
func newJWT(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jwt",
		Short: "Offline JWT tools for the attack labs (crack a weak HMAC secret)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newJWTCrack(env))
	return cmd
}

func newJWTCrack(env Env) *cobra.Command {
	var wordlist, out string
	var reveal bool
	cmd := &cobra.Command{
		Use:   "crack TOKEN --wordlist FILE",
		Short: "Find the HMAC secret of an HS256/384/512 token in a wordlist (offline)",
		Long: `crack tries each line of the wordlist as the HMAC secret of the token,
offline: one token is enough, because it carries its signing input and its
signature (RFC 8725 §3.5: an HMAC key must be long and random, RFC 7518
§3.2). Use it on the practice server's jwt-weak lab (authlab serve --labs)
or on tokens of your own.

TOKEN is the token itself or a reference (env:NAME, file:PATH). The secret
found is masked unless --reveal; --out FILE writes it (mode 0600) for
-c secret=file:FILE. Exit 0 when found, 1 when no word matches.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if wordlist == "" {
				return inputErr(errors.New("jwt crack needs --wordlist FILE (one candidate secret per line)"))
			}
			token, _, err := env.resolver().Resolve("TOKEN", args[0])
			if err != nil {
				return inputErr(err)
			}
			f, err := os.Open(wordlist)
			if err != nil {
				return inputErr(fmt.Errorf("cannot read the wordlist: %v: check the path", errors.Unwrap(err)))
			}
			defer f.Close()
			res, err := authn.CrackJWT(cmd.Context(), token, f)
			if err != nil {
				return inputErr(err)
			}
			if !res.Found {
				return &exitError{code: ExitError, err: fmt.Errorf("not found: none of the %d words of %s is the %s secret", res.Tried, wordlist, res.Alg)}
			}
			shown := authn.Mask("") + fmt.Sprintf(" (%d bytes; --reveal shows it)", len(res.Secret))
			if reveal {
				shown = fmt.Sprintf("%q", res.Secret)
			}
			fmt.Fprintf(env.Stdout, "found the %s secret: %s (word %d of %s)\n", res.Alg, shown, res.Line, wordlist)
			if out != "" {
				if err := renameio.WriteFile(out, []byte(res.Secret), 0o600); err != nil {
					return inputErr(fmt.Errorf("cannot write %s: %w: check the folder exists and is writable", out, err))
				}
				fmt.Fprintf(env.Stderr, "authlab: wrote the secret to %s: send with -c secret=file:%s\n", out, out)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&wordlist, "wordlist", "", "file of candidate secrets, one per line")
	cmd.Flags().StringVar(&out, "out", "", "write the secret found to this file (mode 0600)")
	cmd.Flags().BoolVar(&reveal, "reveal", false, "print the secret found instead of masking it")
	return cmd
}

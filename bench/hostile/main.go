// Command hostile serves the hostile HTTP responses of issue #7 item 3 (see
// package hostilesrv) for bench/hostile-rss.sh. It prints its base URL on
// the first line of stdout and serves until interrupted.
//
//	go run ./bench/hostile -addr 127.0.0.1:0
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/authlab/authlab/bench/hostile/hostilesrv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	list := flag.Bool("list", false, "print the paths it serves and what each does, then exit")
	flag.Parse()
	if *list {
		for _, c := range hostilesrv.Cases {
			fmt.Printf("%s\t%s\n", c.Path, c.What)
		}
		return
	}
	s, err := hostilesrv.Start(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
	fmt.Println(s.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	s.Close()
}

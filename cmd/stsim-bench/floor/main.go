// Command floor is stsim-bench's start-up floor: a bare net/http server
// that links the libraries the stsim binary is built on (gin, kin-openapi,
// golang-jwt, bbolt) and uses none of them. Go runs every linked package's
// init before main, so its cold start to the first 200 is the runtime plus
// those libraries' initialisation: the least any stsim binary can take on
// the machine, before stsim does any work of its own.
//
//	floor -addr 127.0.0.1:8080
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"

	_ "github.com/getkin/kin-openapi/openapi3"       // request and response validation
	_ "github.com/getkin/kin-openapi/openapi3filter" // ditto
	_ "github.com/gin-gonic/gin"                     // the HTTP router
	_ "github.com/golang-jwt/jwt/v5"                 // access tokens
	_ "go.etcd.io/bbolt"                             // the -data store
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	err := http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	}))
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}

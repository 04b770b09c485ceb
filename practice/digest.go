package practice

import "net/http"

// registerDigest adds the digest practice endpoints (work in progress).
func registerDigest(mux *http.ServeMux, s *Server) {}

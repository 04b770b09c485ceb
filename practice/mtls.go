package practice

import "net/http"

// registerMTLS adds the mtls practice endpoints (work in progress).
func registerMTLS(mux *http.ServeMux, s *Server) {}

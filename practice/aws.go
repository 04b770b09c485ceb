package practice

import "net/http"

// registerAWS adds the aws practice endpoints (work in progress).
func registerAWS(mux *http.ServeMux, s *Server) {}

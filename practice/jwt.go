package practice

import "net/http"

// registerJWT adds the jwt practice endpoints (work in progress).
func registerJWT(mux *http.ServeMux, s *Server) {}

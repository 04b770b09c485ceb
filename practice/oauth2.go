package practice

import "net/http"

// registerOAuth2 adds the oauth2 practice endpoints (work in progress).
func registerOAuth2(mux *http.ServeMux, s *Server) {}

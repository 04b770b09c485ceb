package practice

import "net/http"

func registerAPIKey(mux *http.ServeMux, s *Server) {
	s.handle(mux, "/apikey", "apikey", "API key in the X-API-Key header or the api_key query parameter: demo-api-key", s.apiKey)
}

// apiKeyError is the JSON body of a refused request.
type apiKeyError struct {
	Error string `json:"error"`
	Hint  string `json:"hint,omitempty"`
}

// apiKey checks an API key sent as the X-API-Key header or ?api_key.
func (s *Server) apiKey(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "apikey")
	var status int
	var body any
	type found struct{ where, key string }
	var keys []found
	for _, v := range r.Header.Values("X-API-Key") {
		keys = append(keys, found{"X-API-Key header", v})
	}
	for _, v := range r.URL.Query()["api_key"] {
		keys = append(keys, found{"api_key query parameter", v})
	}
	switch {
	case len(keys) == 0 || len(keys) == 1 && keys[0].key == "":
		status, body = http.StatusUnauthorized, apiKeyError{"missing API key", "send X-API-Key or ?api_key"}
		tr.Verdict = "no key"
		add(tr, "verdict detail", "no X-API-Key header and no api_key query parameter (or an empty one)")
	case len(keys) > 1:
		status, body = http.StatusBadRequest, apiKeyError{"more than one API key", "send X-API-Key or ?api_key, once"}
		tr.Verdict = "more than one key"
		add(tr, "verdict detail", "the key was sent more than once (header and query, or repeated)")
	default:
		add(tr, "key source", keys[0].where)
		add(tr, "key length", length(keys[0].key))
		if equal(keys[0].key, DemoAPIKey) {
			status, body = http.StatusOK, struct {
				OK     bool   `json:"ok"`
				Client string `json:"client"`
			}{true, DemoUser}
			tr.Verdict = "ok"
			add(tr, "verdict detail", "the demo key")
		} else {
			status, body = http.StatusForbidden, apiKeyError{Error: "invalid API key"}
			tr.Verdict = "invalid key"
			add(tr, "verdict detail", "not a key this server issued")
		}
	}
	s.finish(w, r, tr, status)
	writeJSON(w, status, body)
}

package authn

// SetsQuery names the query parameter the key replaces when it goes in the
// query (OpenAPI 3 apiKey, in: query): Authorize sets it with
// Outgoing.SetQuery.
func (apikey) SetsQuery(fields map[string]string) []string {
	if fields["in"] == "query" && fields["name"] != "" {
		return []string{fields["name"]}
	}
	return nil
}

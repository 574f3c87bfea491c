package present

import (
	"encoding/json"
	"testing"
)

func TestDetailsSummary(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"key":"mail.language","from":"fr","to":"en"}`, "key: mail.language · from: fr · to: en"},
		{`{"profiles":["rafael.of-general","parcourspro.employer"],"referent":true,"n":3}`, "profiles: rafael.of-general, parcourspro.employer · referent: true · n: 3"},
		{`{"reason":"","by":null}`, "reason: — · by: —"},
		{`{"changes":{"city":"Pau","acronym":"","ape":null,"geo":{"dep":"64"}}}`, "changes.city: Pau · changes.geo.dep: 64"},
		{`{}`, ""},
		{`null`, ""},
		{`"not an object"`, `"not an object"`},
	} {
		if got := DetailsSummary(json.RawMessage(tt.in)); got != tt.want {
			t.Errorf("DetailsSummary(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package view

import (
	"bytes"
	"encoding/json"
	"strings"
)

// DetailsSummary writes the details of an audit event for people: "key: value" pairs in the
// order recorded, set apart by " · ", lists joined with ", ", without JSON's braces and quotes
// ({"key":"mail.language","from":"fr","to":"en"} is "key: mail.language · from: fr · to: en").
// What is not a JSON object is shown as it is.
func DetailsSummary(raw json.RawMessage) string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		if s := string(raw); s != "null" {
			return s
		}
		return ""
	}
	var parts []string
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return string(raw)
		}
		key, _ := tok.(string)
		var v any
		if err := d.Decode(&v); err != nil {
			return string(raw)
		}
		parts = append(parts, key+": "+summaryValue(v))
	}
	return strings.Join(parts, " · ")
}

func summaryValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if v == "" {
			return "—"
		}
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	case []any:
		items := make([]string, len(v))
		for i, x := range v {
			items[i] = summaryValue(x)
		}
		return strings.Join(items, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

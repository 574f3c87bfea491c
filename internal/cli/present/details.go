package present

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// DetailsSummary writes the details of an audit event for people: "key: value" pairs in the
// order recorded, set apart by " · ", lists joined with ", ", without JSON's braces and quotes
// ({"key":"mail.language","from":"fr","to":"en"} is "key: mail.language · from: fr · to: en"),
// the fields of a nested object as key.field (in the order of their names).
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
		parts = appendPairs(parts, key, v)
	}
	return strings.Join(parts, " · ")
}

// appendPairs adds "key: value" for v, and for an object one pair per field, named
// key.field; empty text and null say nothing and are left out of objects.
func appendPairs(parts []string, key string, v any) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return append(parts, key+": "+summaryValue(v))
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if x := obj[k]; x != nil && x != "" {
			parts = appendPairs(parts, key+"."+k, x)
		}
	}
	return parts
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

package mail

import (
	"fmt"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/i18n"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		raw      string
		want     Config
		redacted string
	}{
		{"smtp://localhost", Config{Host: "localhost", Port: 25, Security: STARTTLSOpportunistic},
			"smtp://localhost:25?starttls=opportunistic"},
		{"smtp://mail.example.fr:2525?starttls=none", Config{Host: "mail.example.fr", Port: 2525, Security: NoTLS},
			"smtp://mail.example.fr:2525?starttls=none"},
		{"SMTP://relay%40cap-metiers.fr:s%C3%A9cret%2F%3F@smtp.example.fr:587?starttls=REQUIRED",
			Config{Host: "smtp.example.fr", Port: 587, Username: "relay@cap-metiers.fr", Password: "sécret/?", Security: STARTTLSRequired},
			"smtp://relay%40cap-metiers.fr:xxxxx@smtp.example.fr:587?starttls=required"},
		{"smtps://apikey:hunter2@smtp.example.fr", Config{Host: "smtp.example.fr", Port: 465, Username: "apikey", Password: "hunter2", Security: ImplicitTLS},
			"smtps://apikey:xxxxx@smtp.example.fr:465"},
		{"smtps://smtp.example.fr:2465/", Config{Host: "smtp.example.fr", Port: 2465, Security: ImplicitTLS},
			"smtps://smtp.example.fr:2465"},
		{"smtp://[::1]:1025?starttls=opportunistic", Config{Host: "::1", Port: 1025, Security: STARTTLSOpportunistic},
			"smtp://[::1]:1025?starttls=opportunistic"},
		{"  smtp://127.0.0.1:1025?starttls=none  ", Config{Host: "127.0.0.1", Port: 1025, Security: NoTLS},
			"smtp://127.0.0.1:1025?starttls=none"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := ParseSMTPURL(tc.raw)
			if err != nil {
				t.Fatalf("ParseSMTPURL: %v", err)
			}
			if got.Host != tc.want.Host || got.Port != tc.want.Port || got.Username != tc.want.Username ||
				got.Password != tc.want.Password || got.Security != tc.want.Security {
				t.Errorf("got %s (user %q, password set %v), want %s (user %q)", got.Redacted(), got.Username,
					got.Password != "", tc.want.Redacted(), tc.want.Username)
			}
			if r := got.Redacted(); r != tc.redacted {
				t.Errorf("Redacted() = %q, want %q", r, tc.redacted)
			}
			if tc.want.Password != "" {
				for _, printed := range []string{got.Redacted(), got.String(), fmt.Sprint(got), fmt.Sprintf("%v %+v %#v %s", got, got, got, got)} {
					if strings.Contains(printed, tc.want.Password) {
						t.Errorf("the password shows in %q", printed)
					}
				}
			}
		})
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	tests := []struct {
		raw, wantErr string
	}{
		{"", "empty"},
		{"mail.example.fr:25", "scheme"},
		{"http://mail.example.fr", `scheme "http"`},
		{"smtp://", "missing host"},
		{"smtp://:25", "missing host"},
		{"smtp://mail.example.fr:0", "port"},
		{"smtp://mail.example.fr:70000", "port"},
		{"smtp://user:topsecret@mail.example.fr:port", "port"},
		{"smtp://mail.example.fr?starttls=always", "starttls"},
		{"smtp://mail.example.fr?starttls=none&starttls=required", "more than once"},
		{"smtp://mail.example.fr?tls=yes", `unknown parameter "tls"`},
		{"smtps://mail.example.fr?starttls=required", "smtp:// only"},
		{"smtp://user@mail.example.fr", "no password"},
		{"smtp://:topsecret@mail.example.fr", "without a user"},
		{"smtp://mail.example.fr/inbox", "nothing more"},
		{"smtp://user:topsecret@mail.example.fr#x", "nothing more"},
		{"smtp://user:top\x7fsecret@mail.example.fr", "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			_, err := ParseSMTPURL(tc.raw)
			if err == nil {
				t.Fatalf("ParseSMTPURL(%q) accepted it", tc.raw)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q, want it to mention %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

// A malformed SMTP URL never shows any part of its user name or password, whatever is wrong:
// an unencoded special character moves part of the password into the host, the port, the
// path or the query, which net/url and the checks would otherwise quote.
func TestParseSMTPURLNeverShowsUserinfo(t *testing.T) {
	const user, password = "qzxuser", "K7s3cr3tW"
	urls := []string{
		"smtp://" + user + ":" + password + "@mail.example.fr:abc",
		"smtp://" + user + ":" + password + "@mail.example.fr:70000",
		"smtp://" + user + ":" + password + "@mail.example.fr:0",
		"smtp://" + user + ":K7s%zz3cr3tW@mail.example.fr",
		"smtp://" + user + ":K7s/3cr3tW@mail.example.fr",
		"smtp://" + user + ":K7s?3cr3tW@mail.example.fr",
		"smtp://" + user + ":K7s#3cr3tW@mail.example.fr",
		"smtp://" + user + ":K7s 3cr3tW@mail.example.fr",
		"smtp://" + user + ":K7s:3cr3tW@mail.example.fr:25x",
		"smtp://" + user + ":12345/K7s3cr3tW@mail.example.fr",
		"smtp://" + user + ":99999/K7s3cr3tW@mail.example.fr",
		"smtp://" + user + ":123?K7s3cr3tW@mail.example.fr",
		"smtp://" + user + ":123?starttls=K7s3cr3tW@mail.example.fr",
		"smtp://" + user + ":" + password + "@",
		"smtp://" + user + ":" + password + "@:25",
		"smtp://" + user + ":" + password + "@mail example.fr",
		"smtp://" + user + ":" + password + "@mail.example.fr/inbox",
		"smtp://" + user + ":" + password + "@mail.example.fr?tls=" + password,
		"smtp://" + user + ":" + password + "@mail.example.fr?starttls=" + password,
		"smtp://" + user + "@mail.example.fr",
		"smtp://" + user + ":" + password,
		"smtp://" + user + ":" + password + "/x",
		"smtp//" + user + ":" + password + "@mail.example.fr",
		user + ":" + password + "@mail.example.fr",
		"ftp://" + user + ":" + password + "@mail.example.fr",
		"smtp://" + user + ":" + password + "@[::1",
		"smtp://" + user + ":" + password + "\x7f@mail.example.fr",
	}
	secrets := []string{user, password, "K7s", "3cr3tW", "qzx"}
	for _, lang := range i18n.Langs {
		i18n.SetLang(lang)
		for _, raw := range urls {
			_, err := ParseSMTPURL(raw)
			if err == nil {
				t.Errorf("ParseSMTPURL(%q) accepted it", raw)
				continue
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("[%s] ParseSMTPURL(%q): %q shows %q", lang, raw, err, s)
				}
			}
		}
	}
	i18n.SetLang(i18n.English)
}

package sqlstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// TestSCRAMVerifierSignsInLikeRFC7677 checks the verifier sent for a runtime role's password
// against the exchange of RFC 7677 (user "user", password "pencil"): the client proof the
// server would verify with the stored key, and the signature it would answer with.
func TestSCRAMVerifierSignsInLikeRFC7677(t *testing.T) {
	salt, _ := base64.StdEncoding.DecodeString("W22ZaJ0SNY7soEsUEjb6gQ==")
	v, err := scramVerifierWith("pencil", salt, 4096)
	if err != nil {
		t.Fatal(err)
	}
	head, keys, ok := strings.Cut(v, "$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")
	if !ok || head != "SCRAM-SHA-256" {
		t.Fatalf("verifier %q is not in PostgreSQL's form", v)
	}
	stored64, server64, _ := strings.Cut(keys, ":")
	storedKey, _ := base64.StdEncoding.DecodeString(stored64)
	serverKey, _ := base64.StdEncoding.DecodeString(server64)

	auth := "n=user,r=rOprNGfwEbeRWgbNEkqO," +
		"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
		"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
	proof, _ := base64.StdEncoding.DecodeString("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
	// The server's check: ClientKey = proof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) = StoredKey.
	sig := hmacSHA256(storedKey, auth)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ sig[i]
	}
	if got := sha256.Sum256(clientKey); !hmac.Equal(got[:], storedKey) {
		t.Errorf("the RFC's client proof does not verify against the stored key of %q", v)
	}
	if got := base64.StdEncoding.EncodeToString(hmacSHA256(serverKey, auth)); got != "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=" {
		t.Errorf("server signature %s, want the RFC's", got)
	}
	// A fresh salt each time: two roles with one password do not share a verifier.
	a, _ := scramVerifier("pencil")
	b, _ := scramVerifier("pencil")
	if a == b || strings.Contains(a, "pencil") {
		t.Errorf("verifiers %q and %q", a, b)
	}
}

package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/gen"
)

// The seeds of the generated data: the same flags always give the same files.
const (
	structureSeed = 2026
	peopleSeed    = 1789
	spreadSeed    = 1958
)

// dataset is one scale of generated files: structures with a SIRET in the columns of
// `structure import`, accounts in the columns of `user import`, and the people who will ask
// for an account (pending requests), whom the accounts file does not hold.
type dataset struct {
	structuresCSV string
	usersCSV      string
	structures    int
	users         int
	// lookups are e-mail addresses of imported accounts, spread over the file, for user show,
	// and lookupSIRETs the SIRETs of their structures.
	lookups, lookupSIRETs []string
	// applicants are people after the imported ones: their e-mail addresses are new.
	applicants []domain.User
}

// writeDataset writes nStructures structures and nUsers accounts under dir with the file
// prefix name, and keeps nApplicants more people for the requests and nLookups addresses.
func writeDataset(dir, name string, nStructures, nUsers, nApplicants, nLookups int) (*dataset, error) {
	d := &dataset{
		structuresCSV: dir + "/" + name + "-structures.csv",
		usersCSV:      dir + "/" + name + "-users.csv",
		structures:    nStructures,
		users:         nUsers,
	}
	sirets, err := writeStructures(d.structuresCSV, nStructures)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(d.usersCSV)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write([]string{"email", "last_name", "first_name", "function", "phone", "siret"})
	people := gen.NewPeople(peopleSeed)
	spread := newSpread(len(sirets))
	every := max(1, nUsers/max(1, nLookups))
	for i := range nUsers {
		u := people.Next()
		siret := sirets[spread.next()]
		if i%every == every/2 && len(d.lookups) < nLookups {
			d.lookups = append(d.lookups, u.Email)
			d.lookupSIRETs = append(d.lookupSIRETs, siret)
		}
		_ = w.Write([]string{u.Email, u.LastName, u.FirstName, u.Function, domain.FormatPhoneNational(u.Phone), siret})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	for range nApplicants {
		d.applicants = append(d.applicants, people.Next())
	}
	return d, f.Close()
}

// writeStructures writes the first n generated structures that have a SIRET and returns
// their SIRETs in file order.
func writeStructures(path string, n int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write([]string{"siret", "name", "acronym", "ape", "address", "postal_code", "city", "kinds", "ministry"})
	g := gen.NewStructures(structureSeed)
	sirets := make([]string, 0, n)
	for i := 0; len(sirets) < n; i++ {
		s := g.At(i)
		if s.SIRET == "" {
			continue
		}
		sirets = append(sirets, s.SIRET)
		kinds := make([]string, len(s.Kinds))
		for j, k := range s.Kinds {
			kinds[j] = string(k)
		}
		_ = w.Write([]string{s.SIRET, s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
			strings.Join(kinds, "|"), strconv.FormatBool(s.Ministry)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return sirets, f.Close()
}

// spread picks the structure of each account as real portals have them: a few large
// structures (agencies, GRETA, hospitals) with thousands of members, most with a handful.
// Structure i of n receives a share proportional to 1/sqrt(i): the square of a uniform draw.
type spread struct {
	r *rand.Rand
	n int
}

func newSpread(n int) *spread {
	return &spread{r: rand.New(rand.NewPCG(spreadSeed, spreadSeed^0x5bd1e995)), n: n}
}

func (s *spread) next() int {
	u := s.r.Float64()
	return min(s.n-1, int(float64(s.n)*u*u))
}

// countLines counts the lines of a file (the header included).
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("count lines of %s: %w", path, err)
		}
	}
}

// copyFile copies the file from to the new file to.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	// Owner only, as profil creates its databases: it warns about a copy others may read.
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

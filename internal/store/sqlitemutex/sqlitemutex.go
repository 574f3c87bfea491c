// Package sqlitemutex gives SQLite profil's own mutexes (SQLITE_CONFIG_MUTEX, which SQLite
// offers to any application), for one reason: each connection's own mutex is a no-op.
//
// SQLite takes a connection's mutex at every call into that connection (each step, each
// column read) and the driver (modernc.org/sqlite) opens every connection with
// SQLITE_OPEN_FULLMUTEX, so that it exists. It protects nothing here: database/sql never lets
// two goroutines use one connection at once (it holds the connection's lock around every call
// into the driver), and the driver's own state around each connection is not safe for that
// either. Taking it cost 16 % of an export's CPU (`export users --all`, 1,000,000 rows).
// Without it SQLite is in what it calls its multi-thread mode: any number of connections used
// at once, each by one goroutine at a time. The mutexes SQLite shares between connections
// (the page cache's, the list of open files', the random generator's…) stay real mutexes.
//
// The no-op applies, in the whole process, to the connections opened once SQLite is
// initialised (see Install): the mutex SQLite allocates to serialise its own initialisation
// is recursive too, and stays real. Two features of SQLite would need a connection's mutex,
// and profil uses neither: the RBU extension's VFS (its mutex is recursive too), and a backup
// whose destination connection another goroutine may use.
//
// It is a package of its own so that a program needing SQLite as profil runs it, and nothing
// else of profil (the benchmark's reference client), can have it.
package sqlitemutex

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// mutex is one mutex handed to SQLite. Static ones are package variables; the others
// live in libc's heap, where SQLite keeps the pointer.
type mutex struct {
	mu        sync.Mutex
	owner     atomic.Int32 // ID of the libc.TLS holding it, 0 when free
	count     int32        // times a recursive mutex is held by its owner
	recursive bool
}

var (
	// static are SQLite's static mutexes, by type from SQLITE_MUTEX_STATIC_MAIN (2)
	// to SQLITE_MUTEX_STATIC_VFS3 (13).
	static [sqlite3.SQLITE_MUTEX_STATIC_VFS3 - sqlite3.SQLITE_MUTEX_STATIC_MAIN + 1]mutex
	// connMutex is what every connection opened after Install gets as its mutex:
	// entering and leaving it does nothing.
	connMutex mutex
	// connNoop is set once SQLite is initialised: connections opened from then on get
	// connMutex.
	connNoop atomic.Bool
	// connMutexes counts the real recursive mutexes allocated.
	connMutexes atomic.Int64

	methods = sqlite3.Sqlite3_mutex_methods{
		FxMutexInit:    cFunc(func(*libc.TLS) int32 { return sqlite3.SQLITE_OK }),
		FxMutexEnd:     cFunc(func(*libc.TLS) int32 { return sqlite3.SQLITE_OK }),
		FxMutexAlloc:   cFunc(mutexAlloc),
		FxMutexFree:    cFunc(mutexFree),
		FxMutexEnter:   cFunc(mutexEnter),
		FxMutexTry:     cFunc(mutexTry),
		FxMutexLeave:   cFunc(mutexLeave),
		FxMutexHeld:    cFunc(mutexHeld),
		FxMutexNotheld: cFunc(mutexNotheld),
	}

	initOnce sync.Once
)

// Install installs the mutexes and initialises SQLite, once; call it before the first
// connection is opened: connections opened from then on get the no-op mutex. It runs when a
// program first needs a database rather than at program start, which commands that open none
// do not pay. Should something have initialised SQLite before, SQLite refuses the mutexes and
// keeps its own; Installed then says false.
func Install() {
	initOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		va := libc.Xmalloc(tls, types.Size_t(unsafe.Sizeof(uintptr(0))))
		if va == 0 {
			return
		}
		defer libc.Xfree(tls, va)
		if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_MUTEX, libc.VaList(va, uintptr(unsafe.Pointer(&methods)))) != sqlite3.SQLITE_OK {
			return
		}
		if sqlite3.Xsqlite3_initialize(tls) == sqlite3.SQLITE_OK {
			connNoop.Store(true)
		}
	})
}

// Installed tells whether Install applied: connections opened from then on have no mutex of
// their own.
func Installed() bool { return connNoop.Load() }

// RecursiveAllocated is how many real recursive mutexes SQLite has allocated in this process
// (one per connection opened before Install or without it): for the tests.
func RecursiveAllocated() int64 { return connMutexes.Load() }

func mutexAlloc(tls *libc.TLS, typ int32) uintptr {
	switch {
	case typ == sqlite3.SQLITE_MUTEX_RECURSIVE && connNoop.Load():
		return uintptr(unsafe.Pointer(&connMutex))
	case typ == sqlite3.SQLITE_MUTEX_FAST || typ == sqlite3.SQLITE_MUTEX_RECURSIVE:
		p := libc.Xcalloc(tls, 1, types.Size_t(unsafe.Sizeof(mutex{})))
		if p != 0 && typ == sqlite3.SQLITE_MUTEX_RECURSIVE {
			mutexAt(p).recursive = true
			connMutexes.Add(1)
		}
		return p
	case typ >= sqlite3.SQLITE_MUTEX_STATIC_MAIN && typ <= sqlite3.SQLITE_MUTEX_STATIC_VFS3:
		return uintptr(unsafe.Pointer(&static[typ-sqlite3.SQLITE_MUTEX_STATIC_MAIN]))
	}
	// A static mutex of a later SQLite: 0 would be "no mutex", whatever it guards unguarded.
	panic(fmt.Sprintf("sqlitemutex: SQLite asked for a mutex of unknown type %d", typ))
}

// mutexAt is the mutex at p, an address SQLite holds (libc's heap, or a package variable).
func mutexAt(p uintptr) *mutex { return *(**mutex)(unsafe.Pointer(&p)) }

// isDynamic tells a mutex of libc's heap from the static ones and the no-op.
func isDynamic(p uintptr) bool {
	if p == uintptr(unsafe.Pointer(&connMutex)) {
		return false
	}
	first, last := uintptr(unsafe.Pointer(&static[0])), uintptr(unsafe.Pointer(&static[len(static)-1]))
	return p < first || p > last
}

func mutexFree(tls *libc.TLS, p uintptr) {
	if p != 0 && isDynamic(p) {
		libc.Xfree(tls, p)
	}
}

func mutexEnter(tls *libc.TLS, p uintptr) {
	if p == 0 || p == uintptr(unsafe.Pointer(&connMutex)) {
		return
	}
	m := mutexAt(p)
	if m.recursive && m.owner.Load() == tls.ID {
		m.count++
		return
	}
	m.mu.Lock()
	m.owner.Store(tls.ID)
	m.count = 1
}

func mutexTry(tls *libc.TLS, p uintptr) int32 {
	if p == 0 || p == uintptr(unsafe.Pointer(&connMutex)) {
		return sqlite3.SQLITE_OK
	}
	m := mutexAt(p)
	if m.recursive && m.owner.Load() == tls.ID {
		m.count++
		return sqlite3.SQLITE_OK
	}
	if !m.mu.TryLock() {
		return sqlite3.SQLITE_BUSY
	}
	m.owner.Store(tls.ID)
	m.count = 1
	return sqlite3.SQLITE_OK
}

func mutexLeave(_ *libc.TLS, p uintptr) {
	if p == 0 || p == uintptr(unsafe.Pointer(&connMutex)) {
		return
	}
	m := mutexAt(p)
	if m.count--; m.count > 0 {
		return
	}
	m.owner.Store(0)
	m.mu.Unlock()
}

func mutexHeld(tls *libc.TLS, p uintptr) int32 {
	if p == 0 || p == uintptr(unsafe.Pointer(&connMutex)) {
		return 1
	}
	return libc.Bool32(mutexAt(p).owner.Load() == tls.ID)
}

func mutexNotheld(tls *libc.TLS, p uintptr) int32 {
	if p == 0 || p == uintptr(unsafe.Pointer(&connMutex)) {
		return 1
	}
	return libc.Bool32(mutexAt(p).owner.Load() != tls.ID)
}

// cFunc is f as SQLite holds a function: the address of the Go func value, which is how the
// driver's generated code calls it.
func cFunc[F any](f F) uintptr { return *(*uintptr)(unsafe.Pointer(&f)) }

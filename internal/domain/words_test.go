package domain_test

// The domain says what went wrong as messages (keys and arguments); some of its tests read
// them as people do, in English. Linking the catalogue into the test binary registers its
// renderer (see SetRenderer); the domain itself still imports nothing of the project.
import _ "github.com/profil-cli/profil/internal/i18n"

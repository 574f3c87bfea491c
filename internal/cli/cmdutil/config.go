package cmdutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/profil-cli/profil/internal/i18n"
)

// Config is the resolved configuration: flag > PROFIL_* environment > config file > default.
type Config struct {
	DB string
	// Server is the profil server to go through instead of a database (--server,
	// PROFIL_SERVER, config key server).
	Server  string
	Output  string
	Token   string
	Yes     bool
	NoColor bool
	Quiet   bool
	Verbose bool
	// File is the configuration file that was read, if any.
	File string
}

// ConfigDir is $XDG_CONFIG_HOME/profil (~/.config/profil): config.yaml and credentials.
func ConfigDir() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", i18n.Errorf("config.no_home", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "profil"), nil
}

// LoadConfig resolves the global flags through one viper instance. Viper's own precedence is
// the documented one: a flag the user typed, then the PROFIL_* variable, then the config file
// (--config, PROFIL_CONFIG, or $XDG_CONFIG_HOME/profil/config.yaml), then the flag's default.
func LoadConfig(flags *pflag.FlagSet) (*Config, error) {
	v := viper.New()
	for _, key := range []string{"db", "server", "output", "token", "yes", "no-color", "quiet", "verbose"} {
		if f := flags.Lookup(key); f != nil {
			if err := v.BindPFlag(key, f); err != nil {
				return nil, err
			}
		}
	}
	for key, env := range map[string]string{"db": "PROFIL_DB", "server": "PROFIL_SERVER", "output": "PROFIL_OUTPUT", "token": "PROFIL_TOKEN", "verbose": "PROFIL_VERBOSE"} {
		if err := v.BindEnv(key, env); err != nil {
			return nil, err
		}
	}

	file, explicit := "", false
	if f := flags.Lookup("config"); f != nil && f.Changed {
		file, explicit = f.Value.String(), true
	} else if env := os.Getenv("PROFIL_CONFIG"); env != "" {
		file, explicit = env, true
	} else if dir, err := ConfigDir(); err == nil {
		file = filepath.Join(dir, "config.yaml")
	}
	cfg := &Config{}
	if file != "" {
		if st, err := os.Stat(file); err == nil && st.IsDir() {
			return nil, FlagErrorf("config.is_folder", file)
		}
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		err := v.ReadInConfig()
		var pathErr *fs.PathError
		switch {
		case err == nil:
			cfg.File = file
		case errors.As(err, &pathErr) && errors.Is(err, fs.ErrNotExist) && !explicit:
			// no config file is fine unless one was named
		case errors.Is(err, fs.ErrPermission):
			return nil, &DetailError{Err: i18n.Errorf("config.not_readable", file), Detail: err}
		default:
			return nil, FlagErrorf("config.error", file, err)
		}
	}
	cfg.DB = v.GetString("db")
	cfg.Server = v.GetString("server")
	cfg.Output = v.GetString("output")
	cfg.Token = v.GetString("token")
	cfg.Yes = v.GetBool("yes")
	cfg.Quiet = v.GetBool("quiet")
	cfg.Verbose = v.GetBool("verbose")
	// no-color.org: NO_COLOR set to anything non-empty turns colour off.
	cfg.NoColor = v.GetBool("no-color") || os.Getenv("NO_COLOR") != ""
	return cfg, nil
}

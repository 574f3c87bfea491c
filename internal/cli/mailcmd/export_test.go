package mailcmd

// SendOptionsOf is sendOptions, for the tests of the settings' precedence.
var SendOptionsOf = sendOptions

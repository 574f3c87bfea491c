package i18n

// Messages of the rules of the domain added with the request state machine and the référent
// hand-over.
func init() { topics = append(topics, domainMessages) }

var domainMessages = []entry{
	{"request.already_verified",
		"request %d is already verified",
		"la demande n° %d est déjà vérifiée"},
	{"request.decision_invalid",
		"must be approve or reject",
		"doit être approve ou reject"},
	{"profile.exclusive_together",
		"%s and %s are both %s profiles, and a person holds only one per structure",
		"%s et %s sont tous deux des profils %s, et une personne n'en détient qu'un par structure"},
	{"referent.nobody_named",
		"nobody is named to become the référent of %s",
		"personne n'est désigné comme référent de « %s »"},
}

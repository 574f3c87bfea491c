package domain

import "slices"

// The profile codes of the RAFAEL and PARCOURS PRO applications.
const (
	ProfileBeneficiary = "parcourspro.beneficiary"
)

// ProfileCodes lists the codes known to the command line, in catalogue order.
var ProfileCodes = []string{
	"rafael.of-catalogue", "rafael.of-preregistration", "rafael.of-general",
	"rafael.prescriber-1", "rafael.prescriber-2", "rafael.prescriber-3",
	ProfileBeneficiary, ProfileEmployer, "parcourspro.provider",
}

// CheckProfileCodes refuses unknown codes (exit 6), naming the first one.
func CheckProfileCodes(codes []string) error {
	for _, c := range codes {
		if !slices.Contains(ProfileCodes, c) {
			return Invalid("profile", c, "unknown profile code: see `profil profile catalog`")
		}
	}
	return nil
}

package domain

// AppendLuhnDigit returns digits followed by the check digit that makes the whole pass the
// Luhn test. It builds valid SIRENs (8 digits + 1) and SIRETs (SIREN + 4-digit NIC + 1) for
// demos, benchmarks and tests.
func AppendLuhnDigit(digits string) string {
	sum := 0
	// Walking from the right, the check digit will sit at position 0, so the last given digit
	// is at position 1 and is doubled.
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}

// MakeSIRET builds a valid SIRET from an 8-digit SIREN base and a 4-digit establishment number.
func MakeSIRET(sirenBase8, nic4 string) string {
	return AppendLuhnDigit(AppendLuhnDigit(sirenBase8) + nic4)
}

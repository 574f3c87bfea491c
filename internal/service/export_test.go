package service

// DecideRequestByRequest makes the bulk decisions of s take the request-by-request path, the
// one the set-based path must agree with.
func DecideRequestByRequest(s *Service) { s.setBased = false }

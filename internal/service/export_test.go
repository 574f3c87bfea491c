package service

// DecideRequestByRequest makes the bulk decisions of s take the request-by-request path, the
// one the set-based path must agree with.
func DecideRequestByRequest(s *Service) { s.setBased = false }

// SetBasedBatches tells how many batches the bulk decisions of s decided set-based (those
// retried count again).
func SetBasedBatches(s *Service) int64 { return s.setBatches.Load() }

// SetDecideBatchSize makes the bulk decisions of s decide n requests a transaction.
func SetDecideBatchSize(s *Service, n int) { s.decideBatchSize = n }

// DecideInOrderGiven makes the bulk decisions of s decide the requests in the order given.
func DecideInOrderGiven(s *Service) { s.keepOrder = true }

// RegroupedDecisions tells how many bulk decisions of s were decided in another order than
// the one given.
func RegroupedDecisions(s *Service) int64 { return s.regrouped.Load() }

package resource

// Narrow restricts a list's candidates to ids (as an index lookup found
// them; nil matches nothing), keeping only those already selected when
// the select lists IDs.
func (s *Select) Narrow(ids []int64) {
	if ids == nil {
		ids = []int64{}
	}
	if s.IDs == nil {
		s.IDs = ids
		return
	}
	s.IDs = intersect(s.IDs, ids)
}

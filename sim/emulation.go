package sim

// notEmulated lists every documented ServiceTitan operation that stsim does
// not serve, with the reason. It is the one table behind the 501 answers,
// `stsim ops` and the coverage test: an operation is either routed (it has a
// handler) or listed here, never both, never neither. Remove an entry in the
// same change that adds its handler.
//
// Every documented operation is emulated today, so the table is empty and
// TestEveryOperationIsRoutedOrListed keeps it so.
var notEmulated = map[string]string{}

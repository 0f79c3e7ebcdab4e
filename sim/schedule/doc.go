// Package schedule is the technicians' calendar: when each can work, when
// each is booked, the bookings that wait for a technician, and the rules
// that turn those into capacity (LoadBoard, Board.Evaluate) and into the
// strict-tenant slot check (CheckSlot). It is the one place those rules
// are written.
//
// Dependencies go one way, without callbacks:
//
//	settings, tenant  <-  schedule  <-  jpm  <-  dispatch
//	                         ^-------------------------'
//
// The records stay with the modules that serve them: appointments and
// their technician assignments in jpm, shifts and non-job appointments in
// dispatch. Those modules tell schedule about every write of such a record
// (from their kinds' resource OnWrite hooks): Book and Unbook, PutShift and
// RemoveShift, PutEvent and RemoveEvent. schedule keeps what capacity needs
// of each, filed by UTC day in its own buckets (index.go), in the writing
// transaction, so it is always in step with the records and a capacity
// query or slot check reads a few days of small entries instead of the
// records of those days. jpm calls CheckSlot before it books; dispatch's
// capacity operation reads the board. Data written before the index
// existed is refiled once, when stsim opens it (Rebuild).
package schedule

package csr

import (
	"testing"
	"time"

	"github.com/stsim/stsim/sim/crm"
)

// A look that began before a Forget does not leave what it read: the
// booking may be of the records Forget was told were dropped, and one of
// the records seeded again may have its ID and change sequence.
func TestALookBeforeAForgetLeavesNothing(t *testing.T) {
	var o Office
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	b := crm.WaitingBooking{ID: 1996, Seq: 40}
	since := o.forgets // the look begins
	o.Forget(1234567)  // the tenant is reset meanwhile
	o.leave(1234567, b, now.Add(time.Hour), since)
	if got := o.look(1234567, b, now); got != lookNow {
		t.Errorf("after a Forget during the look the booking is looked at as %d, want lookNow (%d)", got, lookNow)
	}
	o.leave(1234567, b, now.Add(time.Hour), o.forgets) // a look that began after it
	if got := o.look(1234567, b, now); got != leaveIt {
		t.Errorf("a booking left by a look after the Forget is looked at as %d, want leaveIt (%d)", got, leaveIt)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/stsim/stsim/scheduleengine"
)

// demoStep is one timed step of the demo, for -json.
type demoStep struct {
	Step   string        `json:"step"`
	Result string        `json:"result"`
	Took   time.Duration `json:"tookNs"`
}

// cmdDemo runs the whole flow against a stsim with the demo credentials:
// connect, reference data, availability, a new customer's booking, a
// returning customer at a new address, the Bookings inbox, reschedule,
// cancel, and a status sync; each step printed with its timing.
func cmdDemo(ctx context.Context, a *app) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	var steps []demoStep
	step := func(name string, fn func() (string, error)) error {
		start := time.Now()
		res, err := fn()
		took := time.Since(start)
		if err != nil {
			res = "FAILED: " + err.Error()
		}
		steps = append(steps, demoStep{Step: name, Result: res, Took: took})
		if !*a.asJSON {
			fmt.Fprintf(a.stdout, "%-24s %7.1f ms  %s\n", name, float64(took.Microseconds())/1000, res)
		}
		return err
	}
	var (
		ref     *scheduleengine.Reference
		slots   []scheduleengine.Slot
		first   *scheduleengine.Booked
		jt, bu  int64
		runID   = time.Now().UTC().Format("150405")
		newcust = scheduleengine.Party{Name: "Demo Customer " + runID, Phone: "312-555-" + runID[2:],
			Address: scheduleengine.Address{Street: runID + " W Demo Ave", City: "Chicago", State: "IL", Zip: "60601", Country: "USA"}}
	)
	err = firstErr(
		func() error {
			return step("connect", func() (string, error) {
				rep := c.Connect(ctx)
				if !rep.Connected {
					f := rep.Failed()
					return "", fmt.Errorf("%s: %s (%s)", f.Name, f.Detail, f.Fix)
				}
				return fmt.Sprintf("token, tenant, scopes, one call: ok; booking provider tag %d", rep.BookingProviderID), nil
			})
		},
		func() error {
			return step("reference data", func() (res string, err error) {
				if ref, err = c.Reference(ctx); err != nil {
					return "", err
				}
				jt, bu, err = (workFlags{jobType: new(int64), businessUnit: new(int64)}).resolve(ctx, c)
				return fmt.Sprintf("%d business units, %d job types, %d campaigns, %d arrival windows, %d cancel reasons",
					len(ref.BusinessUnits), len(ref.JobTypes), len(ref.Campaigns), len(ref.ArrivalWindows), len(ref.CancelReasons)), err
			})
		},
		func() error {
			return step("availability", func() (res string, err error) {
				d := scheduleengine.DateOf(time.Now().In(c.Location())).AddDays(1)
				slots, err = c.Availability(ctx, scheduleengine.AvailabilityQuery{Date: d, Days: 7, BusinessUnitID: bu, JobTypeID: jt})
				if err == nil && len(slots) < 2 {
					err = fmt.Errorf("only %d open windows in the next week", len(slots))
				}
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%d open windows in 7 days for job type %d; first %s", len(slots), jt, local(c, slots[0])), nil
			})
		},
		func() error {
			return step("book, new customer", func() (res string, err error) {
				first, err = c.Book(ctx, scheduleengine.BookingRequest{Party: newcust, BusinessUnitID: bu, JobTypeID: jt, Slot: slots[0]})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("customer %d, location %d, job %d, appointment %d", first.Match.Customer.ID, first.Match.Location.ID, first.JobID, first.AppointmentID), nil
			})
		},
		func() error {
			return step("book, same booking ID", func() (string, error) {
				again, err := c.Book(ctx, scheduleengine.BookingRequest{BookingID: first.BookingID, Party: newcust, BusinessUnitID: bu, JobTypeID: jt, Slot: slots[0]})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("found job %d by externalData %s=%s; nothing written", again.JobID, scheduleengine.BookingIDKey, first.BookingID), nil
			})
		},
		func() error {
			return step("book, returning", func() (string, error) {
				moved := newcust
				moved.Address.Street = runID + " N Second St"
				res, err := c.Book(ctx, scheduleengine.BookingRequest{Party: moved, BusinessUnitID: bu, JobTypeID: jt, Slot: slots[1]})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("same customer %d, new location %d, job %d", res.Match.Customer.ID, res.Match.Location.ID, res.JobID), nil
			})
		},
		func() error {
			return step("do-not-service", func() (string, error) {
				_, err := c.FindOrCreate(ctx, scheduleengine.Party{Name: "Vernon Kessler", Phone: "708.555.0166"}, scheduleengine.NewBookingID())
				return refusedAsExpected(err, scheduleengine.ErrDoNotService)
			})
		},
		func() error {
			return step("bookings inbox", func() (string, error) {
				st := slots[0].Start
				b, err := c.BookInbox(ctx, scheduleengine.InboxRequest{Party: newcust, Start: &st, BusinessUnitID: bu, JobTypeID: jt, Summary: "Demo inbox booking"})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("booking %d (%s) under provider tag %d: POST /crm/v2/tenant/%d/booking-provider/%d/bookings",
					b.Booking.ID, b.Booking.Status, b.Provider, c.Config().TenantID, b.Provider), nil
			})
		},
		func() error {
			return step("reschedule", func() (string, error) {
				to := slots[len(slots)-1]
				ap, err := c.Reschedule(ctx, first.AppointmentID, to, bu, jt)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("appointment %d moved to %s", ap.ID, local(c, to)), nil
			})
		},
		func() error {
			return step("cancel", func() (string, error) {
				if err := c.Cancel(ctx, first.JobID, 0, "Customer canceled", "Demo: canceled by the customer."); err != nil {
					return "", err
				}
				j, err := c.Job(ctx, first.JobID)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("job %d is %s", j.ID, j.JobStatus), nil
			})
		},
		func() error {
			return step("sync (export feeds)", func() (string, error) {
				s := c.NewStatusSync(scheduleengine.MemoryCursor{}, true)
				jobs, appts, err := s.Poll(ctx, func(scheduleengine.Job) error { return nil }, func(scheduleengine.Appointment) error { return nil })
				return fmt.Sprintf("%d job and %d appointment versions", jobs, appts), err
			})
		},
	)
	if *a.asJSON {
		if perr := a.print(steps, func(io.Writer) {}); perr != nil {
			return perr
		}
	}
	if err != nil {
		return errReported
	}
	if !*a.asJSON {
		fmt.Fprintf(a.stdout, "done: %d steps, %d token request(s)\n", len(steps), c.TokenRequests())
	}
	return nil
}

// firstErr runs fns in order until one fails.
func firstErr(fns ...func() error) error {
	for _, fn := range fns {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

func refusedAsExpected(err, want error) (string, error) {
	if err == nil {
		return "", fmt.Errorf("was not refused")
	}
	if !errors.Is(err, want) {
		return "", err
	}
	return "refused: " + err.Error(), nil
}

func local(c *scheduleengine.Client, s scheduleengine.Slot) string {
	return s.Start.In(c.Location()).Format("Mon Jan 2 15:04") + "–" + s.End.In(c.Location()).Format("15:04 MST")
}

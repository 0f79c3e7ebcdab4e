package scheduleengine

import "time"

// Address is a street address as ServiceTitan writes it.
type Address struct {
	Street  string `json:"street"`
	Unit    string `json:"unit,omitempty"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// Customer is the part of a CRM customer the flow reads.
type Customer struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Active       bool      `json:"active"`
	DoNotService bool      `json:"doNotService"`
	Address      Address   `json:"address"`
	ExternalData []KV      `json:"externalData"`
	ModifiedOn   time.Time `json:"modifiedOn"`
}

// Location is the part of a CRM location the flow reads.
type Location struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customerId"`
	Name         string    `json:"name"`
	Active       bool      `json:"active"`
	Address      Address   `json:"address"`
	ExternalData []KV      `json:"externalData"`
	ModifiedOn   time.Time `json:"modifiedOn"`
}

// KV is one externalData entry.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// externalData is the create/patch body's externalData.
type externalData struct {
	ApplicationGUID string `json:"applicationGuid"`
	ExternalData    []KV   `json:"externalData"`
}

// Job is the part of a JPM job the flow reads.
type Job struct {
	ID                 int64     `json:"id"`
	JobNumber          string    `json:"jobNumber"`
	CustomerID         int64     `json:"customerId"`
	LocationID         int64     `json:"locationId"`
	JobStatus          string    `json:"jobStatus"`
	BusinessUnitID     int64     `json:"businessUnitId"`
	JobTypeID          int64     `json:"jobTypeId"`
	FirstAppointmentID int64     `json:"firstAppointmentId"`
	BookingID          *int64    `json:"bookingId"`
	Active             bool      `json:"active"`
	ExternalData       []KV      `json:"externalData"`
	ModifiedOn         time.Time `json:"modifiedOn"`
}

// Key identifies a job version in the export feed.
func (j Job) Key() (int64, time.Time) { return j.ID, j.ModifiedOn }

// Appointment is the part of a JPM appointment the flow reads.
type Appointment struct {
	ID                 int64      `json:"id"`
	JobID              int64      `json:"jobId"`
	Start              time.Time  `json:"start"`
	End                time.Time  `json:"end"`
	ArrivalWindowStart *time.Time `json:"arrivalWindowStart"`
	ArrivalWindowEnd   *time.Time `json:"arrivalWindowEnd"`
	Status             string     `json:"status"`
	Active             bool       `json:"active"`
	ModifiedOn         time.Time  `json:"modifiedOn"`
}

// Key identifies an appointment version in the export feed.
func (a Appointment) Key() (int64, time.Time) { return a.ID, a.ModifiedOn }

// Booking is a booking-provider booking (the CSR's Bookings inbox).
type Booking struct {
	ID     int64  `json:"id"`
	Status string `json:"status"` // New, Converted, Dismissed, Accepted
	JobID  *int64 `json:"jobId"`  // set when Converted
	// DismissingReasonID is the call reason a Dismissed booking was
	// dismissed for.
	DismissingReasonID *int64     `json:"dismissingReasonId"`
	ExternalID         string     `json:"externalId"`
	Name               string     `json:"name"`
	Start              *time.Time `json:"start"`
	Active             bool       `json:"active"`
	ModifiedOn         time.Time  `json:"modifiedOn"`
}

// Key identifies a booking version in the export feed.
func (b Booking) Key() (int64, time.Time) { return b.ID, b.ModifiedOn }

// named is a reference record: an ID, a name, whether it is active.
type named struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	Active          bool    `json:"active"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
}

// JobType is a bookable kind of work.
type JobType struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	Active          bool    `json:"active"`
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
	Priority        string  `json:"priority"`
	Duration        int     `json:"duration"` // seconds
}

// ArrivalWindow is a window customers pick, as local wall-clock times.
type ArrivalWindow struct {
	ID              int64   `json:"id"`
	Start           string  `json:"start"`    // "08:00:00" or an ISO-8601 duration
	Duration        string  `json:"duration"` // "02:00:00" or an ISO-8601 duration
	BusinessUnitIDs []int64 `json:"businessUnitIds"`
	Active          bool    `json:"active"`
}

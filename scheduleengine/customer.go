package scheduleengine

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// NormalizePhone keeps the digits of a phone number, dropping a leading US
// country code, so "(630) 555-0187", "630.555.0187" and "+1 630 555 0187"
// are one number.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// sameAddress compares the parts of two addresses that identify a place.
func sameAddress(a, b Address) bool {
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))), " ")
	}
	zip := func(s string) string { return strings.TrimSpace(s)[:min(5, len(strings.TrimSpace(s)))] }
	return norm(a.Street) == norm(b.Street) && norm(a.Unit) == norm(b.Unit) && zip(a.Zip) == zip(b.Zip)
}

// Party is who books and where the work is.
type Party struct {
	Name    string
	Phone   string
	Email   string
	Address Address
}

// Match is the customer and location a booking goes to.
type Match struct {
	Customer        Customer
	Location        Location
	CustomerCreated bool
	LocationCreated bool
	// Takeover is set when the phone matched several customers: Schedule
	// Engine still books, and notes it on the job for the office.
	Takeover bool
}

// FindOrCreate finds the customer by phone and the location by address,
// creating what is missing; a do-not-service customer is refused before
// anything is written. bookingID marks created records (externalData), so a
// create whose answer was lost is found instead of repeated.
func (c *Client) FindOrCreate(ctx context.Context, p Party, bookingID string) (*Match, error) {
	phone := NormalizePhone(p.Phone)
	if len(phone) < 10 {
		return nil, errors.New("a 10-digit phone number is required")
	}
	found, err := List[Customer](ctx, c, c.path("crm", "customers"), url.Values{"phone": {phone}, "active": {"True"}}, 50, 200)
	if err != nil {
		return nil, err
	}
	for _, cu := range found {
		if cu.DoNotService {
			return nil, ErrDoNotService
		}
	}
	m := &Match{Takeover: len(found) > 1}
	for _, cu := range found {
		locs, err := List[Location](ctx, c, c.path("crm", "locations"), url.Values{"customerId": {strconv.FormatInt(cu.ID, 10)}, "active": {"True"}}, 50, 500)
		if err != nil {
			return nil, err
		}
		for _, l := range locs {
			if sameAddress(l.Address, p.Address) {
				m.Customer, m.Location = cu, l
				return m, nil
			}
		}
	}
	if len(found) > 0 {
		m.Customer = found[0]
		loc, err := c.createLocation(ctx, found[0].ID, p, bookingID)
		if err != nil {
			return nil, err
		}
		m.Location, m.LocationCreated = *loc, true
		return m, nil
	}
	cu, loc, err := c.createCustomer(ctx, p, bookingID)
	if err != nil {
		return nil, err
	}
	m.Customer, m.Location, m.CustomerCreated, m.LocationCreated = *cu, *loc, true, true
	return m, nil
}

// contacts are a party's phone and email as CRM contacts.
func (p Party) contacts() []map[string]string {
	out := []map[string]string{{"type": "MobilePhone", "value": NormalizePhone(p.Phone)}}
	if p.Email != "" {
		out = append(out, map[string]string{"type": "Email", "value": p.Email})
	}
	return out
}

func (c *Client) marker(bookingID string) externalData {
	return externalData{ApplicationGUID: c.cfg.ApplicationGUID, ExternalData: []KV{{Key: BookingIDKey, Value: bookingID}}}
}

// byBookingID is the list filter that finds records this booking created.
func (c *Client) byBookingID(bookingID string) url.Values {
	return url.Values{"externalDataApplicationGuid": {c.cfg.ApplicationGUID}, "externalDataKey": {BookingIDKey}, "externalDataValues": {bookingID}}
}

func (c *Client) createCustomer(ctx context.Context, p Party, bookingID string) (*Customer, *Location, error) {
	body := map[string]any{
		"name": p.Name, "type": "Residential", "address": p.Address,
		"locations":    []map[string]any{{"name": p.Name, "address": p.Address, "contacts": p.contacts(), "externalData": c.marker(bookingID)}},
		"externalData": c.marker(bookingID),
	}
	var created struct {
		Customer
		Locations []Location `json:"locations"`
	}
	err := createOnce(ctx, func() error {
		created.Locations = nil
		return c.do(ctx, call{method: "POST", path: c.path("crm", "customers"), body: body}, &created)
	}, func() (bool, error) {
		got, err := List[Customer](ctx, c, c.path("crm", "customers"), c.byBookingID(bookingID), 50, 1)
		if err != nil || len(got) == 0 {
			return false, err
		}
		created.Customer = got[0]
		locs, err := List[Location](ctx, c, c.path("crm", "locations"), c.byBookingID(bookingID), 50, 1)
		if err != nil || len(locs) == 0 {
			return false, err
		}
		created.Locations = locs
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(created.Locations) == 0 {
		return nil, nil, errors.New("customer created without a location")
	}
	return &created.Customer, &created.Locations[0], nil
}

func (c *Client) createLocation(ctx context.Context, customerID int64, p Party, bookingID string) (*Location, error) {
	body := map[string]any{"customerId": customerID, "name": p.Name, "address": p.Address, "contacts": p.contacts(), "externalData": c.marker(bookingID)}
	var loc Location
	err := createOnce(ctx, func() error {
		return c.do(ctx, call{method: "POST", path: c.path("crm", "locations"), body: body}, &loc)
	}, func() (bool, error) {
		got, err := List[Location](ctx, c, c.path("crm", "locations"), c.byBookingID(bookingID), 50, 1)
		if err != nil || len(got) == 0 {
			return false, err
		}
		loc = got[0]
		return true, nil
	})
	return &loc, err
}

// createAttempts bounds how often one create is tried.
const createAttempts = 3

// createOnce runs create; when its outcome is unknown (5xx, no answer) it
// first looks the record up by the booking's own ID and creates again only
// if it is not there. So a create that committed before failing is never
// made twice.
func createOnce(ctx context.Context, create func() error, lookup func() (bool, error)) error {
	var err error
	for range createAttempts {
		if err = create(); err == nil || !ambiguous(err) {
			return err
		}
		found, lerr := lookup()
		if lerr != nil {
			return errors.Join(err, lerr)
		}
		if found {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

package schedule

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/store"
)

// The index: what the board needs of each shift, non-job appointment and
// booked appointment (an entry), filed under every UTC date it touches, so
// reading a range of days is one short scan per day.
//
// Layout inside a tenant (bucket names):
//
//	schedule/days     day \x00 source id -> entry   (one per UTC date; or "long", "repeat")
//	schedule/entries  source id -> entry            (the entry as filed, to unfile it)
//	schedule/meta     "indexed" -> ""               (the index covers every record)
//
// day is "2006-01-02"; an entry longer than maxDayKeys days is filed under
// "long" and a repeating non-job appointment under "repeat" instead, and
// every read reads those two. source is one byte (the entry's kind), id
// eight bytes big-endian. An entry is a varint encoding (see encode).
const (
	daysBucket    = "schedule/days"
	entriesBucket = "schedule/entries"
	metaBucket    = "schedule/meta"
)

var indexedKey = []byte("indexed")

// Index values besides UTC dates.
const (
	dayLong   = "long"   // spans more than maxDayKeys days
	dayRepeat = "repeat" // repeating non-job appointment
	dayLayout = "2006-01-02"
)

// maxDayKeys bounds the dates one entry is filed under; longer entries are
// filed under dayLong.
const maxDayKeys = 62

// source is the kind of record an entry stands for.
type source byte

const (
	fromBooking source = 'a' // an appointment that uses capacity
	fromShift   source = 's' // a Normal or TimeOff shift
	fromEvent   source = 'n' // a non-job appointment
)

// Booking is an appointment that uses capacity: its time, its job's
// business unit and the technicians actively assigned to it (none: it waits
// in the business unit's pool).
type Booking struct {
	ID             int64 // the appointment's
	Start, End     time.Time
	BusinessUnitID int64
	TechnicianIDs  []int64
}

// Shift is a technician's working time, or their time off.
type Shift struct {
	ID, TechnicianID int64
	Start, End       time.Time
	TimeOff          bool
}

// Event is a non-job appointment (a meeting, training, a break): from
// Start for Duration seconds, or whole local days when AllDay, repeating
// by Repeat. It books the technician's time, or takes it away like time
// off when RemovesFromCapacity.
type Event struct {
	ID, TechnicianID    int64
	Start               time.Time
	Duration            int64
	AllDay              bool
	RemovesFromCapacity bool
	Repeat              *Rule // nil: once
}

// Rule is how an event repeats: every Interval days, weeks (on Days; none:
// the start's weekday), months or years (Frequency Daily, Weekly, Monthly,
// Yearly), at most Count times (negative: no limit), up to Until's local
// date (zero: no end).
type Rule struct {
	Frequency string
	Interval  int
	Days      []time.Weekday
	Count     int
	Until     time.Time
}

// Book files (or refiles) an appointment's booking.
func Book(tx *resource.Tx, b Booking) error {
	return put(tx, fromBooking, b.ID, encodeBooking(b), dayKeys(b.Start, b.End))
}

// Unbook removes an appointment's booking (it no longer uses capacity);
// unbooking one not booked does nothing.
func Unbook(tx *resource.Tx, appointmentID int64) error {
	return remove(tx, fromBooking, appointmentID)
}

// PutShift files (or refiles) a shift.
func PutShift(tx *resource.Tx, s Shift) error {
	return put(tx, fromShift, s.ID, encodeShift(s), dayKeys(s.Start, s.End))
}

// RemoveShift removes a shift (deleted, inactive, or one that gives and
// takes no time).
func RemoveShift(tx *resource.Tx, id int64) error { return remove(tx, fromShift, id) }

// PutEvent files (or refiles) a non-job appointment.
func PutEvent(tx *resource.Tx, e Event) error {
	return put(tx, fromEvent, e.ID, encodeEvent(e), e.days())
}

// RemoveEvent removes a non-job appointment.
func RemoveEvent(tx *resource.Tx, id int64) error { return remove(tx, fromEvent, id) }

// days are the index values an event is filed under.
func (e Event) days() []string {
	if e.Repeat != nil {
		return []string{dayRepeat}
	}
	return dayKeys(e.filed())
}

// filed is the time a non-repeating event is filed by: an all-day one's
// local days are not known here, so it is widened by a day each side.
func (e Event) filed() (start, end time.Time) {
	start, end = e.Start, e.Start.Add(time.Duration(e.Duration)*time.Second)
	if e.AllDay {
		start, end = start.Add(-24*time.Hour), end.Add(48*time.Hour)
	}
	return start, end
}

// dayKeys lists the UTC dates [start, end) touches (at least start's
// date), or just dayLong for more than maxDayKeys days.
func dayKeys(start, end time.Time) []string {
	if end.Sub(start) > maxDayKeys*24*time.Hour {
		return []string{dayLong}
	}
	return utcDates(start, end)
}

// utcDates lists the UTC dates [start, end) touches, at least start's.
func utcDates(start, end time.Time) []string {
	start, end = start.UTC(), end.UTC()
	keys := []string{start.Format(dayLayout)}
	for d := time.Date(start.Year(), start.Month(), start.Day()+1, 0, 0, 0, 0, time.UTC); d.Before(end); d = d.AddDate(0, 0, 1) {
		keys = append(keys, d.Format(dayLayout))
	}
	return keys
}

// entryKey, dayKey and the encoders size their buffers up front: a
// tenant's seed files ~300 entries, and growing them was ~1,500
// allocations.
func entryKey(src source, id int64) []byte {
	return store.AppendInt64Key(append(make([]byte, 0, 9), byte(src)), id)
}

func dayKey(day string, entry []byte) []byte {
	return append(append(append(make([]byte, 0, len(day)+1+len(entry)), day...), 0), entry...)
}

// put files an entry under days, unfiling what was filed for it before.
func put(tx *resource.Tx, src source, id int64, value []byte, days []string) error {
	key := entryKey(src, id)
	old, err := tx.Get(entriesBucket, key)
	switch {
	case err == nil && string(old) == string(value):
		return nil
	case err == nil:
		if err := unfile(tx, key, old); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if err := tx.Put(entriesBucket, key, value); err != nil {
		return err
	}
	for _, d := range days {
		if err := tx.Put(daysBucket, dayKey(d, key), value); err != nil {
			return err
		}
	}
	return nil
}

// remove unfiles an entry.
func remove(tx *resource.Tx, src source, id int64) error {
	key := entryKey(src, id)
	old, err := tx.Get(entriesBucket, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := unfile(tx, key, old); err != nil {
		return err
	}
	return tx.Delete(entriesBucket, key)
}

// unfile deletes the day keys of an entry as it was filed.
func unfile(tx *resource.Tx, key, value []byte) error {
	e, err := decode(value)
	if err != nil {
		return err
	}
	for _, d := range e.days() {
		if err := tx.Delete(daysBucket, dayKey(d, key)); err != nil {
			return err
		}
	}
	return nil
}

// entry is a decoded entry: one of its three members is set.
type entry struct {
	booking *Booking
	shift   *Shift
	event   *Event
}

func (e entry) days() []string {
	switch {
	case e.booking != nil:
		return dayKeys(e.booking.Start, e.booking.End)
	case e.shift != nil:
		return dayKeys(e.shift.Start, e.shift.End)
	}
	return e.event.days()
}

// firstDate is the first UTC date (days since 1970-01-01) an entry filed
// under dates is filed under.
func (e entry) firstDate() int64 {
	start := time.Time{}
	switch {
	case e.booking != nil:
		start = e.booking.Start
	case e.shift != nil:
		start = e.shift.Start
	default:
		start, _ = e.event.filed()
	}
	return dateNumber(start)
}

func dateNumber(t time.Time) int64 {
	secs := t.Unix()
	n := secs / 86400
	if secs%86400 < 0 {
		n--
	}
	return n
}

// scan calls fn with every entry filed under the UTC dates of [from, to),
// "long" or "repeat", once each: an entry filed under several of those
// dates is passed on the first.
func scan(tx *resource.Tx, from, to time.Time, fn func(entry) error) error {
	for _, v := range []string{dayLong, dayRepeat} { // filed under nothing else
		if err := scanValue(tx, v, func(entry) bool { return true }, fn); err != nil {
			return err
		}
	}
	first := dateNumber(from)
	for i, v := range utcDates(from, to) {
		date := first + int64(i)
		onFirst := func(e entry) bool { return max(e.firstDate(), first) == date }
		if err := scanValue(tx, v, onFirst, fn); err != nil {
			return err
		}
	}
	return nil
}

// scanValue calls fn with the entries filed under one index value that
// pass says yes to.
func scanValue(tx *resource.Tx, value string, pass func(entry) bool, fn func(entry) error) error {
	prefix := append([]byte(value), 0)
	var failed error
	err := tx.Scan(daysBucket, prefix, func(key, data []byte) bool {
		if len(key) < len(prefix) || string(key[:len(prefix)]) != string(prefix) {
			return false
		}
		var e entry
		if e, failed = decode(data); failed == nil && pass(e) {
			failed = fn(e)
		}
		return failed == nil
	})
	if err != nil {
		return err
	}
	return failed
}

// Indexed reports whether the tenant's index covers all its records: it
// does once MarkIndexed ran, which the seed does before writing any record
// and Rebuild after refiling them.
func Indexed(tx *resource.Tx) (bool, error) {
	_, err := tx.Get(metaBucket, indexedKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// MarkIndexed records that the index covers every record of the tenant.
func MarkIndexed(tx *resource.Tx) error { return tx.Put(metaBucket, indexedKey, nil) }

// Rebuild empties the index, has refile write every entry again (the
// modules replay their records), and marks the index complete: for a
// tenant whose data was written before the index existed (an older bbolt
// file or snapshot).
func Rebuild(tx *resource.Tx, refile ...func(*resource.Tx) error) error {
	for _, bucket := range []string{daysBucket, entriesBucket} {
		var keys [][]byte
		if err := tx.Scan(bucket, nil, func(k, _ []byte) bool { keys = append(keys, k); return true }); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(bucket, k); err != nil {
				return err
			}
		}
	}
	for _, f := range refile {
		if err := f(tx); err != nil {
			return err
		}
	}
	return MarkIndexed(tx)
}

// The entry encoding: the source byte, then signed varints; a time is its
// Unix second, a string its length and bytes, a list its length and
// items, a bool 0 or 1.
type encoder []byte

func (w encoder) int(v int64) encoder { return binary.AppendVarint(w, v) }
func (w encoder) time(t time.Time) encoder {
	if t.IsZero() {
		return w.int(0).int(0)
	}
	return w.int(1).int(t.Unix())
}
func (w encoder) bool(b bool) encoder {
	if b {
		return w.int(1)
	}
	return w.int(0)
}
func (w encoder) str(s string) encoder { return append(w.int(int64(len(s))), s...) }

func encodeBooking(b Booking) []byte {
	w := encoder{byte(fromBooking)}.int(b.ID).time(b.Start).time(b.End).int(b.BusinessUnitID).int(int64(len(b.TechnicianIDs)))
	for _, id := range b.TechnicianIDs {
		w = w.int(id)
	}
	return w
}

func encodeShift(s Shift) []byte {
	return append(make(encoder, 0, 64), byte(fromShift)).int(s.ID).int(s.TechnicianID).time(s.Start).time(s.End).bool(s.TimeOff)
}

func encodeEvent(e Event) []byte {
	w := append(make(encoder, 0, 64), byte(fromEvent)).int(e.ID).int(e.TechnicianID).time(e.Start).int(e.Duration).bool(e.AllDay).bool(e.RemovesFromCapacity).bool(e.Repeat != nil)
	if r := e.Repeat; r != nil {
		w = w.str(r.Frequency).int(int64(r.Interval)).int(int64(len(r.Days)))
		for _, d := range r.Days {
			w = w.int(int64(d))
		}
		w = w.int(int64(r.Count)).time(r.Until)
	}
	return w
}

// errCorrupt is a stored entry that does not decode.
var errCorrupt = errors.New("schedule: corrupt index entry")

type decoder struct {
	b   []byte
	err error
}

func (r *decoder) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) time() time.Time {
	if set, sec := r.int(), r.int(); set != 0 {
		return time.Unix(sec, 0).UTC()
	}
	return time.Time{}
}

func (r *decoder) bool() bool { return r.int() != 0 }

// count reads a list length, refusing more items than bytes left.
func (r *decoder) count() int {
	n := r.int()
	if n < 0 || n > int64(len(r.b)) {
		r.err = errCorrupt
		return 0
	}
	return int(n)
}

func (r *decoder) str() string {
	n := r.count()
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func decode(value []byte) (entry, error) {
	if len(value) == 0 {
		return entry{}, errCorrupt
	}
	r := &decoder{b: value[1:]}
	var e entry
	switch source(value[0]) {
	case fromBooking:
		b := &Booking{ID: r.int(), Start: r.time(), End: r.time(), BusinessUnitID: r.int()}
		b.TechnicianIDs = make([]int64, r.count())
		for i := range b.TechnicianIDs {
			b.TechnicianIDs[i] = r.int()
		}
		e.booking = b
	case fromShift:
		e.shift = &Shift{ID: r.int(), TechnicianID: r.int(), Start: r.time(), End: r.time(), TimeOff: r.bool()}
	case fromEvent:
		ev := &Event{ID: r.int(), TechnicianID: r.int(), Start: r.time(), Duration: r.int(), AllDay: r.bool(), RemovesFromCapacity: r.bool()}
		if r.bool() {
			rule := &Rule{Frequency: r.str(), Interval: int(r.int())}
			rule.Days = make([]time.Weekday, r.count())
			for i := range rule.Days {
				rule.Days[i] = time.Weekday(r.int())
			}
			rule.Count, rule.Until = int(r.int()), r.time()
			ev.Repeat = rule
		}
		e.event = ev
	default:
		return entry{}, fmt.Errorf("%w: source %q", errCorrupt, value[0])
	}
	if r.err != nil {
		return entry{}, r.err
	}
	return e, nil
}

// BookingsIn returns the bookings that overlap [from, to), by appointment
// ID.
func BookingsIn(tx *resource.Tx, from, to time.Time) ([]Booking, error) {
	var out []Booking
	err := scan(tx, from, to, func(e entry) error {
		if b := e.booking; b != nil && b.Start.Before(to) && b.End.After(from) {
			out = append(out, *b)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Booking) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

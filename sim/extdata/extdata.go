// Package extdata is ServiceTitan's "external data": key/value entries an
// application attaches to a record under its application GUID (contract
// §9). Reads show only the entries of the GUID a caller names; lists filter
// by externalDataKey + externalDataValues within one GUID. CRM, JPM and
// settings records all carry it, through this one implementation.
package extdata

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
	"github.com/stsim/stsim/sim/resource/storedjson"
)

// KV is one entry (the *.V2.ExternalDataModel schemas).
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Data holds each application's entries under its normalized GUID.
type Data map[string][]KV

// normalize makes GUIDs compare equal however written: lower case, no braces.
func normalize(guid string) string { return strings.ToLower(strings.Trim(guid, "{}")) }

// For returns one application's entries, never nil.
func (d Data) For(guid string) []KV {
	if kv := d[normalize(guid)]; kv != nil {
		return kv
	}
	return []KV{}
}

// IndexKeys files every entry under guid|key|value, the "ext" index that
// Lookup reads.
func (d Data) IndexKeys() []string {
	var keys []string
	for guid, kvs := range d {
		for _, kv := range kvs {
			keys = append(keys, IndexKey(guid, kv.Key, kv.Value))
		}
	}
	return keys
}

// IndexKey is the index value of one entry.
func IndexKey(guid, key, value string) string {
	return normalize(guid) + "|" + strings.ToLower(key) + "|" + value
}

// Create is the *.V2.ExternalDataCreateRequest of create bodies.
type Create struct {
	ApplicationGUID string `json:"applicationGuid"`
	ExternalData    []KV   `json:"externalData"`
}

// GUID is the request's application GUID ("" for a nil request).
func (c *Create) GUID() string {
	if c == nil {
		return ""
	}
	return c.ApplicationGUID
}

// Apply writes the request's entries into d and returns it.
func (c *Create) Apply(d Data) Data {
	if c == nil || c.ApplicationGUID == "" {
		return d
	}
	if d == nil {
		d = Data{}
	}
	d[normalize(c.ApplicationGUID)] = append([]KV{}, c.ExternalData...)
	return d
}

// Patch is the *.V2.ExternalDataUpdateRequest of update bodies.
type Patch struct {
	PatchMode       *string      `json:"patchMode"`
	ApplicationGUID string       `json:"applicationGuid"`
	ExternalData    []PatchEntry `json:"externalData"`
}

// PatchEntry sets (or, with a null value, removes) one key.
type PatchEntry struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// GUID is the request's application GUID ("" for a nil request).
func (p *Patch) GUID() string {
	if p == nil {
		return ""
	}
	return p.ApplicationGUID
}

var guidPattern = regexp.MustCompile(`^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$`)

// Check validates a patch; field names the body member in errors.
func (p *Patch) Check(field string) error {
	if p == nil {
		return nil
	}
	if !guidPattern.MatchString(p.ApplicationGUID) {
		return apierr.BadRequest(field+".applicationGuid", "applicationGuid must be a GUID.")
	}
	if p.PatchMode != nil && *p.PatchMode != "Replace" && *p.PatchMode != "Merge" {
		return apierr.BadRequest(field+".patchMode", "patchMode must be Replace or Merge.")
	}
	if p.ExternalData == nil {
		return apierr.BadRequest(field+".externalData", "externalData is required (an empty list clears the application's entries).")
	}
	for i, kv := range p.ExternalData {
		if strings.TrimSpace(kv.Key) == "" {
			return apierr.BadRequest(field+".externalData["+strconv.Itoa(i)+"].key", "key must not be empty.")
		}
	}
	return nil
}

// Apply patches one application's entries: Replace (the default, as the
// first member of the .NET enum) swaps them all; Merge updates the keys
// given and removes those whose value is null.
func (p *Patch) Apply(d Data) Data {
	if p == nil || p.ApplicationGUID == "" {
		return d
	}
	if d == nil {
		d = Data{}
	}
	guid := normalize(p.ApplicationGUID)
	var current []KV
	if p.PatchMode != nil && strings.EqualFold(*p.PatchMode, "Merge") {
		current = append(current, d[guid]...)
	}
	for _, kv := range p.ExternalData {
		i := slices.IndexFunc(current, func(c KV) bool { return c.Key == kv.Key })
		switch {
		case kv.Value == nil && i >= 0:
			current = slices.Delete(current, i, i+1)
		case kv.Value == nil:
		case i >= 0:
			current[i].Value = *kv.Value
		default:
			current = append(current, KV{Key: kv.Key, Value: *kv.Value})
		}
	}
	if len(current) == 0 {
		delete(d, guid)
	} else {
		d[guid] = current
	}
	return d
}

// Filter is externalDataApplicationGuid + externalDataKey +
// externalDataValues (at most 50, like ids).
type Filter struct {
	guid, key string
	values    []string
}

// ParseFilter reads the filter from a list request; nil when not asked for.
func ParseFilter(c *gin.Context) (*Filter, error) {
	key, values := c.Query("externalDataKey"), c.Query("externalDataValues")
	if key == "" && values == "" {
		return nil, nil
	}
	if key == "" {
		return nil, apierr.BadRequest("externalDataKey", "externalDataValues needs externalDataKey too.")
	}
	guid := c.Query("externalDataApplicationGuid")
	if guid == "" {
		return nil, apierr.BadRequest("externalDataApplicationGuid", "externalDataKey filters within one application: give its externalDataApplicationGuid too.")
	}
	f := &Filter{guid: guid, key: key}
	for _, v := range strings.Split(values, ",") {
		if v = strings.TrimSpace(v); v != "" {
			f.values = append(f.values, v)
		}
	}
	if len(f.values) > resource.MaxIDs {
		return nil, apierr.BadRequest("externalDataValues", "At most 50 values may be given, got "+strconv.Itoa(len(f.values))+".").WithCode(apierr.CodeTooManyIDs)
	}
	if len(f.values) == 0 {
		return nil, apierr.BadRequest("externalDataValues", "Give the values to look for with externalDataKey.")
	}
	return f, nil
}

// Lookup returns the IDs of kind holding any of the filter's values, from
// its "ext" index (declare it with Data.IndexKeys).
func Lookup[T any](tx *resource.Tx, kind *resource.Kind[T], f *Filter) ([]int64, error) {
	ids := []int64{}
	for _, v := range f.values {
		found, err := resource.Lookup(tx, kind, "ext", IndexKey(f.guid, f.key, v))
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}

// DecodeStored reads stored external data for a record's own decoder
// (resource.StoredDecoder): as the generic decoder reads it, or the reader
// fails.
func DecodeStored(r *resource.StoredReader) Data {
	d := Data{}
	r.Map(func(guid string) bool {
		if _, repeated := d[guid]; repeated {
			return false
		}
		kvs := []KV{}
		r.Array(func() {
			var kv KV
			r.Object(func(name string) int {
				switch name {
				case "key":
					kv.Key = r.String()
					return 0
				case "value":
					kv.Value = r.String()
					return 1
				}
				return -1
			})
			kvs = append(kvs, kv)
		})
		d[guid] = kvs
		return true
	})
	return d
}

// AppendStored writes d as a record's "externalData" member for its own
// stored-form appender (resource.StoredAppender), as the general encoder
// writes it: nothing for nil data, and data of at most one application;
// larger data (the general encoder orders its names) and a null list fail
// w, leaving the record to the general encoder.
func AppendStored(w *storedjson.Writer, d Data) {
	if d == nil {
		return
	}
	if len(d) > 1 {
		w.Fail()
		return
	}
	w.Object("externalData")
	for guid, kvs := range d {
		if kvs == nil {
			w.Fail()
			return
		}
		w.MapArray(guid)
		for _, kv := range kvs {
			w.Element()
			w.String("key", kv.Key)
			w.String("value", kv.Value)
			w.Close('}')
		}
		w.Close(']')
	}
	w.Close('}')
}

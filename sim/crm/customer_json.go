package crm

import (
	"encoding/json"
	"strconv"

	"github.com/stsim/stsim/sim/api"
)

// A customer's response body is written by appending (api.JSONAppender),
// not through encoding/json's reflection: customers are the records lists
// read most (phone, zip and external-data filters), and every customer a
// list meets outside the kind's decoded cache is encoded afresh. The bytes
// are encoding/json's (TestCustomerJSONIsEncodingJSON).

// AppendJSON appends the customer as encoding/json writes it.
func (o *customerOut) AppendJSON(b []byte) ([]byte, error) {
	a := &o.Address
	if !finite(o.Balance, a.Latitude, a.Longitude) { // encoding/json refuses these: say so as it does
		data, err := json.Marshal(o)
		return append(b, data...), err
	}
	b = api.AppendMember(b, '{', "id")
	b = strconv.AppendInt(b, o.ID, 10)
	b = api.AppendMember(b, ',', "active")
	b = strconv.AppendBool(b, o.Active)
	b = api.AppendMember(b, ',', "name")
	b = api.AppendString(b, o.Name)
	b = api.AppendMember(b, ',', "type")
	b = api.AppendString(b, o.Type)
	b = api.AppendMember(b, ',', "address")
	b = a.appendJSON(b)
	b = api.AppendMember(b, ',', "customFields")
	b = appendNullable(b, o.CustomFields, func(b []byte, f CustomField) []byte {
		b = api.AppendMember(b, '{', "typeId")
		b = strconv.AppendInt(b, f.TypeID, 10)
		b = api.AppendMember(b, ',', "name")
		b = appendStringPtr(b, f.Name)
		b = api.AppendMember(b, ',', "value")
		b = appendStringPtr(b, f.Value)
		return append(b, '}')
	})
	b = api.AppendMember(b, ',', "balance")
	b = api.AppendFloat(b, o.Balance)
	b = api.AppendMember(b, ',', "tagTypeIds")
	b = appendNullable(b, o.TagTypeIDs, func(b []byte, id int64) []byte { return strconv.AppendInt(b, id, 10) })
	b = api.AppendMember(b, ',', "doNotMail")
	b = strconv.AppendBool(b, o.DoNotMail)
	b = api.AppendMember(b, ',', "doNotService")
	b = strconv.AppendBool(b, o.DoNotService)
	b = api.AppendMember(b, ',', "createdOn")
	b = o.CreatedOn.AppendJSON(b)
	b = api.AppendMember(b, ',', "createdById")
	b = strconv.AppendInt(b, o.CreatedByID, 10)
	b = api.AppendMember(b, ',', "modifiedOn")
	b = o.ModifiedOn.AppendJSON(b)
	b = api.AppendMember(b, ',', "mergedToId")
	if o.MergedToID == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *o.MergedToID, 10)
	}
	b = api.AppendMember(b, ',', "externalData")
	b = appendNullable(b, o.ExternalData, func(b []byte, kv KV) []byte {
		b = api.AppendMember(b, '{', "key")
		b = api.AppendString(b, kv.Key)
		b = api.AppendMember(b, ',', "value")
		b = api.AppendString(b, kv.Value)
		return append(b, '}')
	})
	return append(b, '}'), nil
}

// appendJSON appends the address as encoding/json writes it (its
// coordinates finite).
func (a *Address) appendJSON(b []byte) []byte {
	b = api.AppendMember(b, '{', "street")
	b = api.AppendString(b, a.Street)
	b = api.AppendMember(b, ',', "unit")
	b = appendStringPtr(b, a.Unit)
	b = api.AppendMember(b, ',', "city")
	b = api.AppendString(b, a.City)
	b = api.AppendMember(b, ',', "state")
	b = api.AppendString(b, a.State)
	b = api.AppendMember(b, ',', "zip")
	b = api.AppendString(b, a.Zip)
	b = api.AppendMember(b, ',', "country")
	b = api.AppendString(b, a.Country)
	b = api.AppendMember(b, ',', "latitude")
	b = appendFloatPtr(b, a.Latitude)
	b = api.AppendMember(b, ',', "longitude")
	b = appendFloatPtr(b, a.Longitude)
	return append(b, '}')
}

// finite reports whether f and the floats ps point to (nil: none) can be
// written as JSON.
func finite(f float64, ps ...*float64) bool {
	for _, p := range ps {
		if p != nil && !api.Finite(*p) {
			return false
		}
	}
	return api.Finite(f)
}

// appendNullable appends s as an array, or null when it is nil, as
// encoding/json writes slices.
func appendNullable[E any](b []byte, s []E, elem func([]byte, E) []byte) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return api.AppendArray(b, s, elem)
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return api.AppendString(b, *s)
}

func appendFloatPtr(b []byte, f *float64) []byte {
	if f == nil {
		return append(b, "null"...)
	}
	return api.AppendFloat(b, *f)
}

package crm

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/resource"
)

// extFilter is externalDataApplicationGuid + externalDataKey +
// externalDataValues (at most 50, like ids).
type extFilter struct {
	guid, key string
	values    []string
}

func parseExternalFilter(c *gin.Context) (*extFilter, error) {
	key := c.Query("externalDataKey")
	if key == "" {
		return nil, nil
	}
	guid := c.Query("externalDataApplicationGuid")
	if guid == "" {
		return nil, apierr.BadRequest("externalDataApplicationGuid", "externalDataKey filters within one application: give its externalDataApplicationGuid too.")
	}
	f := &extFilter{guid: guid, key: key}
	for _, v := range strings.Split(c.Query("externalDataValues"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			f.values = append(f.values, v)
		}
	}
	if len(f.values) > resource.MaxIDs {
		return nil, apierr.BadRequest("externalDataValues", "At most 50 values may be given, got "+strconv.Itoa(len(f.values))+".")
	}
	if len(f.values) == 0 {
		return nil, apierr.BadRequest("externalDataValues", "Give the values to look for with externalDataKey.")
	}
	return f, nil
}

// lookupExternal returns the IDs with any of the filter's values, from the
// "ext" index of kind.
func lookupExternal[T any](tx *resource.Tx, kind *resource.Kind[T], f *extFilter) ([]int64, error) {
	ids := []int64{}
	for _, v := range f.values {
		found, err := resource.Lookup(tx, kind, "ext", extKey(f.guid, f.key, v))
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

// addressFilter applies the street (contains), unit, city, state, country
// (equal, ignoring case), latitude and longitude filters of customer and
// location lists. zip is answered from an index by the caller.
func addressFilter[T any](c *gin.Context, address func(*T) *Address) func(*T) bool {
	street := strings.ToLower(c.Query("street"))
	equalText := map[string]func(*Address) string{
		"unit":    func(a *Address) string { return deref(a.Unit) },
		"city":    func(a *Address) string { return a.City },
		"state":   func(a *Address) string { return a.State },
		"country": func(a *Address) string { return a.Country },
	}
	wanted := map[string]string{}
	for name := range equalText {
		if v := c.Query(name); v != "" {
			wanted[name] = v
		}
	}
	lat, latOK := parseFloat(c.Query("latitude"))
	lon, lonOK := parseFloat(c.Query("longitude"))
	return func(rec *T) bool {
		a := address(rec)
		if street != "" && !strings.Contains(strings.ToLower(a.Street), street) {
			return false
		}
		for name, v := range wanted {
			if !strings.EqualFold(equalText[name](a), v) {
				return false
			}
		}
		if latOK && (a.Latitude == nil || *a.Latitude != lat) {
			return false
		}
		if lonOK && (a.Longitude == nil || *a.Longitude != lon) {
			return false
		}
		return true
	}
}

func parseFloat(v string) (float64, bool) {
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

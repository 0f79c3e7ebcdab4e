package crm

import (
	"strconv"
	"strings"

	"github.com/stsim/stsim/sim/optional"

	"github.com/gin-gonic/gin"
)

// addressFilter applies the street (contains), unit, city, state, country
// (equal, ignoring case), latitude and longitude filters of customer and
// location lists. zip is answered from an index by the caller.
func addressFilter[T any](c *gin.Context, address func(*T) *Address) func(*T) bool {
	street := strings.ToLower(c.Query("street"))
	equalText := map[string]func(*Address) string{
		"unit":    func(a *Address) string { return optional.Value(a.Unit) },
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

package control

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The read the dashboard (/_sim/ui) needs besides the rest of the control API.

type rateUsage struct {
	AppID    string `json:"appId"`
	AppName  string `json:"appName"`
	Tenant   int64  `json:"tenant"`
	InWindow int    `json:"inWindow"` // calls admitted in the last window
	Limit    int    `json:"limit"`    // the app's own limit, or the server's; 0: unlimited
}

// rateLimits shows, per (app, tenant) that called within the window, how
// much of its limit it has used. App keys are not shown.
func (p *Plane) rateLimits(c *gin.Context) {
	out := []rateUsage{}
	for _, u := range p.Limiter.Usage() {
		r := rateUsage{Tenant: u.Key.Tenant, InWindow: u.InWindow, Limit: p.DefaultRateLimit}
		if app, ok := p.Registry.AppByKey(u.Key.AppKey); ok {
			r.AppID, r.AppName = app.ID, app.Name
			if app.RateLimit > 0 {
				r.Limit = app.RateLimit
			}
		}
		out = append(out, r)
	}
	c.JSON(http.StatusOK, gin.H{"windowSeconds": p.Limiter.Window().Seconds(), "usage": out})
}

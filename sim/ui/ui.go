// Package ui is the dashboard at /_sim/ui: plain HTML, JavaScript and CSS,
// embedded in the binary (no build step). The page holds no data; it reads
// and steers the simulator through the control API (/_sim/…) and, in its
// data browser, the ServiceTitan API itself, with same-origin requests.
package ui

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/fixture"
)

//go:embed assets
var assets embed.FS

// Path is where the dashboard is served.
const Path = "/_sim/ui"

// demoCredentials prefill the data browser: the demo tenant's public
// credentials, the same the banner prints.
var demoCredentials = gin.H{"clientId": fixture.DemoClientID, "clientSecret": fixture.DemoClientSecret, "appKey": fixture.DemoAppKey}

// Register serves the dashboard on r. The page itself is static and holds
// no secret, so it is served wherever stsim listens; every call it makes
// goes through the control API's own checks (its control token, when one
// is set, is typed into the page and kept in the tab's session storage).
func Register(r gin.IRoutes) {
	files, _ := fs.Sub(assets, "assets")
	static := http.StripPrefix(Path+"/", http.FileServerFS(files))
	r.GET(Path, func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, Path+"/") })
	r.GET(Path+"/*file", func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		if c.Param("file") == "/demo.json" {
			c.JSON(http.StatusOK, demoCredentials)
			return
		}
		static.ServeHTTP(c.Writer, c.Request)
	})
}

// Package scheduleengine is a reference client for ServiceTitan's V2 API as
// an online-booking integration (a "Schedule Engine") uses it: onboarding
// checks, tokens, rate limits and retries, paging and export feeds, and the
// booking flow from availability to cancellation.
//
// It is stsim's end-to-end proof and an example to copy. Nothing in it knows
// about stsim: base URLs are configuration, so the same code runs against
// ServiceTitan's integration or production environment.
//
//	c, err := scheduleengine.New(scheduleengine.Config{
//		Env:      scheduleengine.Integration,
//		TenantID: 1234567, ClientID: "cid.…", ClientSecret: "cs1.…", AppKey: "ak1.…",
//	})
//	slots, err := c.Availability(ctx, scheduleengine.AvailabilityQuery{…})
//
// Schedulers built with one [Shared] (the default: one per process) and the
// same environment, tenant and client ID share one token; those with the
// same app key and tenant share one rate budget.
package scheduleengine

package crm

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/stsim/stsim/sim/api"
	"github.com/stsim/stsim/sim/apierr"
	"github.com/stsim/stsim/sim/fixture"
	"github.com/stsim/stsim/sim/resource"
)

// BookingProviderTag is a Booking Provider Tag: the tenant admin binds one to
// a booking-provider app when connecting it, and its id is the
// {booking_provider} of the provider's bookings paths (contract §7).
type BookingProviderTag struct {
	resource.Meta
	TagName     string `json:"tagName"`
	Description string `json:"description"`
	Type        string `json:"type"` // Crm.V2.BookingAgentTagType
}

// bookingTagTypeV2 is the type of every tag stsim creates: tags made through
// the V2 API (or the demo seed) serve V2 booking providers.
const bookingTagTypeV2 = "V2Api"

// bookingProviderTags holds the tenant's booking-provider tags. Names are
// unique per tenant, ignoring case and surrounding blanks; the "name" index
// answers both the uniqueness check and EnsureBookingProviderTag.
var bookingProviderTags = resource.Kind[BookingProviderTag]{Name: "crm.booking-provider-tags", Label: "Booking provider tag", Indexes: []resource.Index[BookingProviderTag]{
	{Name: "name", Keys: func(t *BookingProviderTag) []string { return []string{tagNameKey(t.TagName)} }},
}}

func tagNameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// tagNamed returns the id of the live tag with this name, or 0.
func tagNamed(tx *resource.Tx, name string) (int64, error) {
	ids, err := resource.Lookup(tx, &bookingProviderTags, "name", tagNameKey(name))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// EnsureBookingProviderTag returns the id of the tag named name, creating it
// (type V2Api, empty description) when the tenant has none. Seeds use it to
// bind a demo connection to its tag.
func EnsureBookingProviderTag(tx *resource.Tx, name string) (int64, error) {
	if err := api.RequireText("tagName", name); err != nil {
		return 0, err
	}
	id, err := tagNamed(tx, name)
	if err != nil || id != 0 {
		return id, err
	}
	tag := &BookingProviderTag{Meta: resource.Meta{Active: true}, TagName: strings.TrimSpace(name), Type: bookingTagTypeV2}
	if err := resource.Create(tx, &bookingProviderTags, tag); err != nil {
		return 0, err
	}
	return tag.ID, nil
}

// tagOut is Crm.V2.CreateBookingProviderTagResponse and
// Crm.V2.BookingProviderTagResponse (create and update answers).
type tagOut struct {
	ID          int64         `json:"id"`
	TagName     string        `json:"tagName"`
	Description string        `json:"description"`
	Type        string        `json:"type"`
	CreatedOn   resource.Time `json:"createdOn"`
	ModifiedOn  resource.Time `json:"modifiedOn"`
}

// tagWithActiveOut is Crm.V2.GetBookingProviderTagResponse (get and list).
type tagWithActiveOut struct {
	tagOut
	Active bool `json:"active"`
}

func renderTag(t *BookingProviderTag) tagOut {
	return tagOut{ID: t.ID, TagName: t.TagName, Description: t.Description, Type: t.Type, CreatedOn: t.CreatedOn, ModifiedOn: t.ModifiedOn}
}

func renderTagWithActive(_ *gin.Context, t *BookingProviderTag) tagWithActiveOut {
	return tagWithActiveOut{tagOut: renderTag(t), Active: t.Active}
}

// claimTagName fails with 409 when another live tag (not self) already has
// the name.
func claimTagName(tx *resource.Tx, name string, self int64) error {
	id, err := tagNamed(tx, name)
	if err != nil {
		return err
	}
	if id != 0 && id != self {
		return apierr.Conflict("A booking provider tag named '"+strings.TrimSpace(name)+"' already exists.").
			Field("tagName", "Tag names are unique per tenant; tag "+resource.IDKey(id)+" already has this name.")
	}
	return nil
}

type createTagIn struct {
	TagName     string `json:"tagName"`
	Description string `json:"description"`
}

// createBookingProviderTag handles POST /booking-provider-tags: a non-blank
// tagName, unique in the tenant (409 otherwise).
var createBookingProviderTag = api.Create(func(in *createTagIn) error { return api.RequireText("tagName", in.TagName) },
	func(tx *resource.Tx, in *createTagIn) (tagOut, error) {
		if err := claimTagName(tx, in.TagName, 0); err != nil {
			return tagOut{}, err
		}
		tag := &BookingProviderTag{Meta: resource.Meta{Active: true}, TagName: strings.TrimSpace(in.TagName), Description: in.Description, Type: bookingTagTypeV2}
		if err := resource.Create(tx, &bookingProviderTags, tag); err != nil {
			return tagOut{}, err
		}
		return renderTag(tag), nil
	})

// tagFixture is a booking-provider tag of crm.json: the create request
// with its id, so that the ID a connection is bound to stays put.
type tagFixture struct {
	fixture.Common
	createTagIn
}

// seedBookingProviderTags writes crm.json's booking-provider tags, each
// checked as POST /booking-provider-tags checks it.
func seedBookingProviderTags(tx *resource.Tx, in fixture.Input) error {
	tags, err := fixture.Decode[tagFixture](in, "bookingProviderTags")
	if err != nil {
		return err
	}
	for i, t := range tags {
		err := api.RequireText("tagName", t.TagName)
		if err == nil {
			err = claimTagName(tx, t.TagName, 0)
		}
		if err != nil {
			return in.RecordError("bookingProviderTags", i, err)
		}
		tag := &BookingProviderTag{Meta: t.NewMeta(), TagName: strings.TrimSpace(t.TagName), Description: t.Description, Type: bookingTagTypeV2}
		if err := resource.Create(tx, &bookingProviderTags, tag); err != nil {
			return err
		}
	}
	return nil
}

// getBookingProviderTag handles GET /booking-provider-tags/{id}.
var getBookingProviderTag = api.GetByID(&bookingProviderTags, renderTagWithActive)

// listBookingProviderTags handles GET /booking-provider-tags: name (contains,
// ignoring case), ids, sort, the CM-dates and paging. The operation has no
// active filter, so inactive tags are listed too.
var listBookingProviderTags = api.List(&bookingProviderTags, api.ListSpec[BookingProviderTag, *BookingProviderTag]{
	Options: resource.ListOptions{Sorts: resource.StandardSorts},
	Filter: func(c *gin.Context, _ *resource.Tx) (resource.Select, func(*BookingProviderTag) bool, error) {
		name := strings.ToLower(strings.TrimSpace(c.Query("name")))
		return resource.Select{}, func(t *BookingProviderTag) bool {
			return name == "" || strings.Contains(strings.ToLower(t.TagName), name)
		}, nil
	},
}, renderTagWithActive)

type updateTagIn struct {
	TagName     *string `json:"tagName"`
	Description *string `json:"description"`
}

// updateBookingProviderTag handles PATCH /booking-provider-tags/{id}: a new
// name must be non-blank and still unique (409). The document lists only 400
// for this operation; a missing tag is answered 404 all the same.
var updateBookingProviderTag = api.Patch(&bookingProviderTags, func(in *updateTagIn) error {
	if in.TagName != nil {
		if err := api.RequireText("tagName", *in.TagName); err != nil {
			return err
		}
		trimmed := strings.TrimSpace(*in.TagName)
		in.TagName = &trimmed
	}
	return nil
}, func(tx *resource.Tx, tag *BookingProviderTag, in *updateTagIn) error {
	if in.TagName != nil {
		if err := claimTagName(tx, *in.TagName, tag.ID); err != nil {
			return err
		}
	}
	api.SetIf(&tag.TagName, in.TagName)
	api.SetIf(&tag.Description, in.Description)
	return nil
}, func(tag *BookingProviderTag, _ *updateTagIn) tagOut { return renderTag(tag) })

package crm

import "github.com/stsim/stsim/sim/resource"

// Seed writes the CRM data a tenant starts with: the reserved integration
// user ID, the custom field types, then the demo customers (see demo.go).
// The order fixes every ID, so keep it: ID 1 is reserved, the customer
// custom field types are 2 and 3, the location ones 4 and 5, and the demo
// customers start at 6.
func Seed(tx *resource.Tx) error {
	// ID 1 is the integration user's (see IntegrationUserID); reserve it.
	if _, err := resource.NewID(tx); err != nil {
		return err
	}
	customerTypes := []CustomFieldType{
		{Meta: resource.Meta{Active: true}, Name: "Gate code", DataType: "Text"},
		{Meta: resource.Meta{Active: true}, Name: "Preferred contact time", DataType: "Dropdown", DataTypeOptions: []string{"Morning", "Afternoon", "Evening"}},
	}
	for i := range customerTypes {
		if err := resource.Create(tx, &CustomerFieldTypes, &customerTypes[i]); err != nil {
			return err
		}
	}
	locationTypes := []CustomFieldType{
		{Meta: resource.Meta{Active: true}, Name: "Equipment location", DataType: "Text"},
		{Meta: resource.Meta{Active: true}, Name: "Pets on site", DataType: "Checkbox"},
	}
	for i := range locationTypes {
		if err := resource.Create(tx, &LocationFieldTypes, &locationTypes[i]); err != nil {
			return err
		}
	}
	return seedDemo(tx, demoFieldTypes{
		gateCode: &customerTypes[0], contactTime: &customerTypes[1],
		equipment: &locationTypes[0], pets: &locationTypes[1],
	})
}

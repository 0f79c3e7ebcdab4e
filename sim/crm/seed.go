package crm

import "github.com/stsim/stsim/sim/resource"

// Seed writes the CRM reference data a tenant starts with.
func Seed(tx *resource.Tx, tenant int64) error {
	// ID 1 is the integration user's (see IntegrationUserID); reserve it.
	if _, err := resource.NewID(tx); err != nil {
		return err
	}
	for _, f := range []CustomFieldType{
		{Meta: resource.Meta{Active: true}, Name: "Gate code", DataType: "Text"},
		{Meta: resource.Meta{Active: true}, Name: "Preferred contact time", DataType: "Dropdown", DataTypeOptions: []string{"Morning", "Afternoon", "Evening"}},
	} {
		if err := resource.Create(tx, &CustomerFieldTypes, &f); err != nil {
			return err
		}
	}
	for _, f := range []CustomFieldType{
		{Meta: resource.Meta{Active: true}, Name: "Equipment location", DataType: "Text"},
		{Meta: resource.Meta{Active: true}, Name: "Pets on site", DataType: "Checkbox"},
	} {
		if err := resource.Create(tx, &LocationFieldTypes, &f); err != nil {
			return err
		}
	}
	return nil
}

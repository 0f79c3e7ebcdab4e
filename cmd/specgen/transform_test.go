package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stsim/stsim/openapi"
	"github.com/stsim/stsim/openapi/specfacts"
)

const sample = `{
  "openapi": "3.0.1",
  "info": {"title": "Sample", "version": "1.0", "description": "About the sample"},
  "servers": [{"url": "https://example.invalid/mod/v2"}],
  "paths": {
    "/tenant/{tenant}/things/{id}": {
      "get": {
        "summary": "Gets a thing", "description": "Gets a thing", "operationId": "Things_Get",
        "x-ms-docs": "noise",
        "parameters": [
          {"name": "tenant", "in": "path", "required": true, "description": "Format - int64.", "schema": {"type": "integer", "format": "int64"}},
          {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}
        ],
        "responses": {"200": {"description": "The request has succeeded",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}, "example": {"description": "x"}}}}}
      }
    },
    "/tenant/{tenant}/things/{thingId}": {
      "delete": {
        "operationId": "Things_Delete",
        "parameters": [
          {"name": "thingId", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}},
          {"name": "tenant", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}
        ],
        "responses": {"404": {"description": "The requested entity was not found"},
          "400": {"description": "Bad", "content": {"application/json": {"schema": {"type": "string"}}}}}
      }
    }
  },
  "components": {"schemas": {
    "Thing": {"type": "object", "required": ["description"], "description": "A thing",
      "properties": {
        "description": {"type": "string", "description": "What it is", "example": "thing"},
        "summary": {"type": "string", "nullable": true},
        "kind": {"type": "string", "enum": ["True", "Any"], "x-enumNames": ["True", "Any"]}
      },
      "additionalProperties": false}
  }}
}`

func transformSample(t *testing.T, devs ...specfacts.Deviation) string {
	t.Helper()
	doc, err := parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var st stats
	strip(doc, &st)
	setInfo(doc, openapi.Module{Name: "mod", Title: "Mod"}, strings.Repeat("ab", 32))
	setServers(doc, "/mod/v2")
	describeResponses(doc)
	for _, d := range devs {
		if err := apply(doc, d); err != nil {
			t.Fatal(err)
		}
	}
	if len(st.extensions) != 1 || st.extensions[0] != "x-ms-docs" {
		t.Errorf("dropped extensions = %v, want [x-ms-docs]", st.extensions)
	}
	var buf bytes.Buffer
	if err := dump(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestStripKeepsFactsDropsProse(t *testing.T) {
	out := transformSample(t)
	for _, gone := range []string{"Gets a thing", "Format - int64", "About the sample", "A thing", "What it is", "succeeded", "example", "x-ms-docs", "example.invalid"} {
		if strings.Contains(out, gone) {
			t.Errorf("output still contains %q:\n%s", gone, out)
		}
	}
	for _, kept := range []string{
		"title: stsim Mod (ServiceTitan mod v2)",
		"version: 2.0.0+ref.abababababab",
		"- url: /mod/v2",
		"operationId: Things_Get",
		"description: OK",
		"description: Not Found",
		"        description:\n          type: string", // a property named description
		"        summary:\n          type: string\n          nullable: true",
		"      required:\n        - description",
		"- 'True'",
		"x-enumNames:",
		"additionalProperties: false",
	} {
		if !strings.Contains(out, kept) {
			t.Errorf("output lacks %q:\n%s", kept, out)
		}
	}
}

func TestApplyDeviations(t *testing.T) {
	out := transformSample(t,
		specfacts.Deviation{Kind: specfacts.RenamePathParam, Target: "/tenant/{tenant}/things/{thingId}", Name: "thingId", To: "id"},
		specfacts.Deviation{Kind: specfacts.AddProperty, Target: "Thing", Name: "createdOn", Schema: `{"type":"string","format":"date-time"}`},
		specfacts.Deviation{Kind: specfacts.AddQueryParam, Target: "Things_Get", Name: "sort", Schema: `{"type":"string","nullable":true}`},
		specfacts.Deviation{Kind: specfacts.ErrorResponse, Target: "Things_Delete", Name: "400"},
	)
	if strings.Contains(out, "thingId") {
		t.Errorf("thingId survived the rename:\n%s", out)
	}
	if strings.Count(out, "/tenant/{tenant}/things/{id}:") != 1 {
		t.Errorf("want one merged path item:\n%s", out)
	}
	for _, want := range []string{
		"    delete:\n      operationId: Things_Delete\n      parameters:\n        - name: id\n",
		"        createdOn:\n          type: string\n          format: date-time\n",
		"        - name: sort\n          in: query\n          schema:\n            type: string\n            nullable: true\n",
		"        '400':\n          description: Bad Request\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ApiErrorResponse'\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestStaleDeviation(t *testing.T) {
	doc, err := parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	err = apply(doc, specfacts.Deviation{Kind: specfacts.AddProperty, Target: "Thing", Name: "summary", Schema: `{"type":"string"}`})
	if err == nil || !strings.Contains(err.Error(), "drop the deviation") {
		t.Errorf("adding an existing property: err = %v, want a stale-deviation error", err)
	}
}

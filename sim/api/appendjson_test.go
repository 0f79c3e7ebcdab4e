package api

import (
	"strconv"
	"testing"
)

type appendingShape struct {
	ID int64 `json:"id"`
}

func (s *appendingShape) AppendJSON(b []byte) ([]byte, error) {
	return append(strconv.AppendInt(append(b, `{"id":`...), s.ID, 10), '}'), nil
}

// embeddingShape inherits AppendJSON, which would leave out Extra.
type embeddingShape struct {
	appendingShape
	Extra string `json:"extra"`
}

// embeddingOmitShape inherits AppendJSON too; its zero value encodes
// like the embedded shape's, but a non-zero Extra would be lost.
type embeddingOmitShape struct {
	appendingShape
	Extra string `json:"extra,omitempty"`
}

type plainShape struct {
	ID int64 `json:"id"`
}

// TestAppendsOnlyShapesThatWriteThemselves: the generic handlers use a
// shape's AppendJSON only when it writes the shape's zero value as
// encoding/json does, so a shape that merely embeds an appending one is
// still encoded by reflection, with its own members.
func TestAppendsOnlyShapesThatWriteThemselves(t *testing.T) {
	if !appends[appendingShape]() {
		t.Error("a shape that writes itself is not used")
	}
	if appends[embeddingShape]() {
		t.Error("a shape that only inherits AppendJSON is used")
	}
	if appends[embeddingOmitShape]() {
		t.Error("a shape that only inherits AppendJSON, with omitempty members, is used")
	}
	if appends[plainShape]() {
		t.Error("a shape without AppendJSON is used")
	}
	body, err := appendBody(&appendingShape{ID: 42})
	if string(body) != `{"id":42}` || err != nil || cap(body) != len(body) {
		t.Errorf("appendBody: %q (cap %d), %v", body, cap(body), err)
	}
}

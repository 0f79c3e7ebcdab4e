package oas

// The fast check of JSON request bodies.
//
// kin-openapi validates a body by decoding it into map[string]any and
// walking the schema graph, allocating as it goes; for a customer create
// that was most of a request's validation cost. A bodyCheck is an
// operation's body schema compiled once into the keywords kin-openapi's
// (OpenAPI 3.0) validator applies, judged the same way on a small parsed
// tree of the body. It only ever says "valid": a schema with a keyword it
// does not judge gets no bodyCheck, and a body it does not accept (invalid,
// or outside what it parses: JSON within the bounds below) goes to
// kin-openapi, which validates it again and words every violation.
// So a body the fast check accepts is one kin-openapi accepts, and the
// messages are kin-openapi's.

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// bodySchema is one schema of the graph in its compiled form.
type bodySchema struct {
	empty    bool // kin's IsEmpty: every value but null passes
	nullable bool
	types    typeSet
	integer  bool          // integer and not number: numbers must be whole
	enum     []string      // allowed values (all strings), nil for no enum
	all      []*bodySchema // allOf, and a oneOf or anyOf of one schema: all must pass

	min, max  *float64
	intFormat openapi3.IntegerFormatValidator
	numFormat openapi3.NumberFormatValidator

	minLength uint64
	maxLength *uint64
	strFormat openapi3.StringFormatValidator

	minItems uint64
	maxItems *uint64
	items    *bodySchema

	props      map[string]*bodySchema
	required   []string
	closed     bool        // additionalProperties: false
	additional *bodySchema // the schema of other members, nil for any
}

// typeSet is the JSON types a schema's type keyword permits.
type typeSet uint8

const (
	typeString typeSet = 1 << iota
	typeNumber
	typeInteger
	typeBoolean
	typeObject
	typeArray
)

var typeNames = []struct {
	name string
	bit  typeSet
}{
	{openapi3.TypeString, typeString}, {openapi3.TypeNumber, typeNumber}, {openapi3.TypeInteger, typeInteger},
	{openapi3.TypeBoolean, typeBoolean}, {openapi3.TypeObject, typeObject}, {openapi3.TypeArray, typeArray},
}

// bodyCompiler turns a schema graph into bodySchemas, each schema once
// (graphs may be recursive). judged turns false at the first keyword the
// fast check does not judge as kin-openapi does.
type bodyCompiler struct {
	done   map[*openapi3.Schema]*bodySchema
	judged bool
}

// compileBody compiles a request body schema, or returns nil when some
// schema of its graph uses a keyword the fast check leaves to kin-openapi.
func compileBody(ref *openapi3.SchemaRef) *bodySchema {
	c := &bodyCompiler{done: map[*openapi3.Schema]*bodySchema{}, judged: true}
	s := c.ref(ref)
	if !c.judged {
		return nil
	}
	return s
}

func (c *bodyCompiler) ref(ref *openapi3.SchemaRef) *bodySchema {
	if ref == nil || ref.Value == nil {
		c.judged = false // an unresolved reference: kin reports it
		return nil
	}
	return c.schema(ref.Value)
}

func (c *bodyCompiler) schema(s *openapi3.Schema) *bodySchema {
	if out, ok := c.done[s]; ok {
		return out
	}
	out := &bodySchema{}
	c.done[s] = out
	// Keywords the fast check does not judge: kin-openapi decides.
	if s.Always != nil || s.Not != nil || s.Discriminator != nil || len(s.OneOf) > 1 || len(s.AnyOf) > 1 ||
		s.ReadOnly || s.WriteOnly || s.Pattern != "" || s.MultipleOf != nil ||
		s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.UniqueItems || len(s.PrefixItems) > 0 ||
		s.MinProps != 0 || s.MaxProps != nil {
		c.judged = false
		return out
	}
	out.empty = s.IsEmpty()
	out.nullable = s.Nullable || s.Type.IncludesNull()
	for _, t := range typeNames {
		if s.Type.Permits(t.name) {
			out.types |= t.bit
		}
	}
	out.integer = out.types&typeInteger != 0 && out.types&typeNumber == 0
	if len(s.Enum) > 0 {
		out.enum = make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				c.judged = false
				return out
			}
			out.enum = append(out.enum, str)
		}
	}
	for _, group := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range group {
			out.all = append(out.all, c.ref(ref))
		}
	}
	out.min, out.max = s.Min, s.Max
	if s.Format != "" {
		if out.integer {
			out.intFormat = openapi3.SchemaIntegerFormats[s.Format]
		} else {
			out.numFormat = openapi3.SchemaNumberFormats[s.Format]
		}
		out.strFormat = openapi3.SchemaStringFormats[s.Format]
	}
	out.minLength, out.maxLength = s.MinLength, s.MaxLength
	out.minItems, out.maxItems = s.MinItems, s.MaxItems
	if s.Items != nil {
		out.items = c.ref(s.Items)
	}
	if len(s.Properties) > 0 {
		out.props = make(map[string]*bodySchema, len(s.Properties))
		for name, ref := range s.Properties {
			out.props[name] = c.ref(ref)
		}
	}
	out.required = s.Required
	if has := s.AdditionalProperties.Has; has != nil && !*has {
		out.closed = true
	}
	if ref := s.AdditionalProperties.Schema; ref != nil {
		out.additional = c.ref(ref)
	}
	return out
}

// accepts reports whether kin-openapi's OpenAPI 3.0 validator, visiting as
// a request, finds node n valid; false also means "not judged here".
// depth bounds recursion through recursive schemas.
func (s *bodySchema) accepts(t *jsonTree, n int32, depth int) bool {
	if depth > maxBodyDepth {
		return false
	}
	v := &t.nodes[n]
	if v.kind == jsonNull {
		// kin: nullable passes; otherwise only a passing allOf/oneOf/anyOf
		// (which then skips enum and type) makes null valid.
		if s.nullable {
			return true
		}
		return !s.empty && len(s.all) > 0 && s.allAccept(t, n, depth)
	}
	if s.empty {
		return true
	}
	if !s.allAccept(t, n, depth) {
		return false
	}
	if s.enum != nil && (v.kind != jsonString || !slices.Contains(s.enum, v.text)) {
		return false
	}
	switch v.kind {
	case jsonBool:
		return s.types&typeBoolean != 0
	case jsonNumber:
		return s.acceptsNumber(v.text)
	case jsonString:
		return s.acceptsString(v.text)
	case jsonArray:
		return s.acceptsArray(t, v, depth)
	case jsonObject:
		return s.acceptsObject(t, v, depth)
	}
	return false
}

func (s *bodySchema) allAccept(t *jsonTree, n int32, depth int) bool {
	for _, sub := range s.all {
		if !sub.accepts(t, n, depth+1) {
			return false
		}
	}
	return true
}

func (s *bodySchema) acceptsNumber(text string) bool {
	f, ok := smallInteger(text)
	if !ok {
		var err error
		if f, err = strconv.ParseFloat(text, 64); err != nil { // as json.Number.Float64
			return false
		}
	}
	if s.integer {
		if f != math.Trunc(f) {
			return false
		}
		if s.intFormat != nil && !integerInFormat(s.intFormat, f) {
			return false
		}
	} else {
		if s.types&(typeInteger|typeNumber) == 0 {
			return false
		}
		if s.numFormat != nil && s.numFormat.Validate(f) != nil {
			return false
		}
	}
	if s.min != nil && !(*s.min <= f) {
		return false
	}
	return s.max == nil || *s.max >= f
}

// smallInteger reads text of 1 to 15 decimal digits, with an optional
// leading minus: the float64 strconv.ParseFloat gives for it (every such
// integer is exact in a float64), without its general parse. Path IDs and
// tenants are such numbers. It reports false for any other text.
func smallInteger(text string) (float64, bool) {
	digits := text
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) < len(text) {
		n = -n
	}
	return float64(n), true
}

// integerInFormat converts a number for an integer format as kin-openapi
// does: a float64 outside the int64 range is out of every format.
func integerInFormat(f openapi3.IntegerFormatValidator, v float64) bool {
	switch {
	case v == float64(math.MaxInt64):
		return f.Validate(math.MaxInt64) == nil
	case v >= float64(math.MinInt64) && v < float64(math.MaxInt64):
		return f.Validate(int64(v)) == nil
	}
	return false
}

func (s *bodySchema) acceptsString(text string) bool {
	if s.types&typeString == 0 {
		return false
	}
	if s.minLength != 0 || s.maxLength != nil {
		n := uint64(0) // counted as kin-openapi counts
		for _, r := range text {
			if utf16.IsSurrogate(r) {
				n += 2
			} else {
				n++
			}
		}
		if n < s.minLength || (s.maxLength != nil && n > *s.maxLength) {
			return false
		}
	}
	return s.strFormat == nil || s.strFormat.Validate(text) == nil
}

func (s *bodySchema) acceptsArray(t *jsonTree, v *jsonNode, depth int) bool {
	if s.types&typeArray == 0 {
		return false
	}
	n := uint64(v.count)
	if n < s.minItems || (s.maxItems != nil && n > *s.maxItems) {
		return false
	}
	if s.items == nil {
		return true
	}
	for c := v.first; c >= 0; c = t.nodes[c].next {
		if !s.items.accepts(t, c, depth+1) {
			return false
		}
	}
	return true
}

func (s *bodySchema) acceptsObject(t *jsonTree, v *jsonNode, depth int) bool {
	if s.types&typeObject == 0 {
		return false
	}
	for c := v.first; c >= 0; c = t.nodes[c].next {
		sub, ok := s.props[t.nodes[c].key]
		switch {
		case ok:
		case s.closed:
			return false
		case s.additional != nil:
			sub = s.additional
		default:
			continue
		}
		if !sub.accepts(t, c, depth+1) {
			return false
		}
	}
	for _, name := range s.required {
		if !t.hasMember(v, name) {
			return false
		}
	}
	return true
}

// Bounds of the fast check; larger or deeper bodies go to kin-openapi.
const (
	maxBodyDepth = 64      // nesting, and recursion through schemas
	maxBodyNodes = 4096    // values in one body (a tree's memory)
	maxBodySize  = 1 << 20 // bytes
)

// jsonTree is a parsed JSON value: nodes[0] is the root, children are
// linked through first and next.
type jsonTree struct {
	nodes []jsonNode
}

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

type jsonNode struct {
	kind        jsonKind
	text        string // a string's decoded value, a number's literal
	key         string // the member name, for a member of an object
	first, next int32  // first child, next sibling; -1 for none
	count       int32  // children
}

func (t *jsonTree) hasMember(obj *jsonNode, name string) bool {
	for c := obj.first; c >= 0; c = t.nodes[c].next {
		if t.nodes[c].key == name {
			return true
		}
	}
	return false
}

// parse reads one JSON value that fills s (surrounding white space aside).
// ok is false for anything but valid JSON within the bounds: kin-openapi
// then decodes the body itself and reports what it finds.
func (t *jsonTree) parse(s string) (ok bool) {
	p := jsonParser{s: s, t: t}
	t.nodes = t.nodes[:0]
	p.space()
	if _, ok := p.value(0); !ok {
		return false
	}
	p.space()
	return p.i == len(p.s)
}

type jsonParser struct {
	s string
	i int
	t *jsonTree
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses one value into a new node and returns its index.
func (p *jsonParser) value(depth int) (int32, bool) {
	if depth > maxBodyDepth || len(p.t.nodes) >= maxBodyNodes || p.i >= len(p.s) {
		return 0, false
	}
	n := int32(len(p.t.nodes))
	p.t.nodes = append(p.t.nodes, jsonNode{first: -1, next: -1})
	var ok bool
	switch c := p.s[p.i]; {
	case c == '{' || c == '[':
		ok = p.children(n, depth)
	case c == '"':
		var text string
		text, ok = p.str()
		p.t.nodes[n].kind, p.t.nodes[n].text = jsonString, text
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		ok = p.number()
		p.t.nodes[n].kind, p.t.nodes[n].text = jsonNumber, p.s[start:p.i]
	default:
		ok = p.literal(n)
	}
	return n, ok
}

func (p *jsonParser) literal(n int32) bool {
	for _, l := range []struct {
		word string
		kind jsonKind
	}{{"null", jsonNull}, {"true", jsonBool}, {"false", jsonBool}} {
		if strings.HasPrefix(p.s[p.i:], l.word) {
			p.i += len(l.word)
			p.t.nodes[n].kind = l.kind
			return true
		}
	}
	return false
}

// children parses the members of an object or the elements of an array,
// from its opening bracket.
func (p *jsonParser) children(n int32, depth int) bool {
	object := p.s[p.i] == '{'
	closing := byte(']')
	p.t.nodes[n].kind = jsonArray
	if object {
		closing = '}'
		p.t.nodes[n].kind = jsonObject
	}
	p.i++
	p.space()
	if p.i < len(p.s) && p.s[p.i] == closing {
		p.i++
		return true
	}
	last := int32(-1)
	for {
		var key string
		if object {
			if !p.memberName(&key) {
				return false
			}
		}
		c, ok := p.value(depth + 1)
		if !ok {
			return false
		}
		p.t.nodes[c].key = key
		if last < 0 {
			p.t.nodes[n].first = c
		} else {
			p.t.nodes[last].next = c
		}
		last = c
		p.t.nodes[n].count++
		p.space()
		if p.i >= len(p.s) {
			return false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			p.space()
		case closing:
			p.i++
			return true
		default:
			return false
		}
	}
}

// memberName parses `"name" :` before a member's value.
func (p *jsonParser) memberName(key *string) bool {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return false
	}
	var ok bool
	if *key, ok = p.str(); !ok {
		return false
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return false
	}
	p.i++
	p.space()
	return true
}

// str parses a string from its opening quote. Plain strings are slices of
// the body; one with escapes or bytes that are not UTF-8 is decoded by
// encoding/json, as kin-openapi decodes it.
func (p *jsonParser) str() (string, bool) {
	start := p.i
	p.i++
	plain := true
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			if plain {
				return p.s[start+1 : p.i-1], true
			}
			var out string
			err := json.Unmarshal([]byte(p.s[start:p.i]), &out)
			return out, err == nil
		case c == '\\':
			plain = false
			p.i += 2
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			p.i += size
		default:
			p.i++
		}
	}
	return "", false
}

// number checks the JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() bool {
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case !p.digits():
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if !p.digits() {
			return false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// digits consumes one or more decimal digits.
func (p *jsonParser) digits() bool {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// bodyCheck is an operation's fast body check: its compiled schema and the
// media type it applies to.
type bodyCheck struct {
	schema *bodySchema
	media  *openapi3.MediaType // the operation's application/json content
}

// trees recycles parsed bodies' node slices.
var trees = sync.Pool{New: func() any { return &jsonTree{} }}

// compileBodyCheck compiles an operation's fast body check; nil when it
// takes no JSON body or its schema uses a keyword the fast check leaves to
// kin-openapi.
func compileBodyCheck(op *openapi3.Operation, doc *openapi3.T) *bodyCheck {
	body := op.RequestBody
	if body == nil || body.Value == nil || doc.IsOpenAPI31OrLater() {
		return nil
	}
	media := body.Value.Content.Get(jsonMedia)
	if media == nil || media.Schema == nil || media.Schema.Value == nil ||
		(media.Schema.Value.Type.Is(openapi3.TypeString) && media.Schema.Value.Format == "binary") {
		return nil
	}
	schema := compileBody(media.Schema)
	if schema == nil {
		return nil
	}
	return &bodyCheck{schema: schema, media: media}
}

const jsonMedia = "application/json"

// acceptsBody reports whether the fast check finds the request's JSON body
// valid, so kin-openapi need not validate it. It reads the body and puts
// it back as kin-openapi does.
func (o *Operation) acceptsBody(r *http.Request) bool {
	check := o.prepared().body
	if check == nil || r.Body == nil || r.Body == http.NoBody {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if check.media != o.route.Operation.RequestBody.Value.Content.Get(ct) {
		return false
	}
	if base, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(base), jsonMedia) {
		return false // another media type mapped to the same content: kin picks its decoder
	}
	if r.ContentLength > maxBodySize {
		return false // kin-openapi reads it; the fast check would only buffer it first
	}
	data, err := readBody(r)
	if err != nil || len(data) == 0 || len(data) > maxBodySize {
		return false
	}
	t := trees.Get().(*jsonTree)
	defer trees.Put(t)
	return t.parse(string(data)) && check.schema.accepts(t, 0, 0)
}

// readBody reads the whole body and puts it back as kin-openapi's body
// validation does, so a handler (or kin-openapi) reads it again. A read
// error is handed on to the next reader after the bytes read.
func readBody(r *http.Request) ([]byte, error) {
	data, err := readAll(r.Body, r.ContentLength)
	_ = r.Body.Close()
	if err != nil {
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
		return nil, err
	}
	r.Body = nil
	if r.GetBody != nil {
		if r.Body, err = r.GetBody(); err != nil {
			r.Body = nil
		}
	}
	if r.Body == nil {
		r.ContentLength = int64(len(data))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		r.Body, _ = r.GetBody()
	}
	return data, nil
}

// readAll is io.ReadAll starting from the size the request declares
// (within reason), so a body of known length is read into one allocation.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, min(max(size, 0), maxBodySize)+1) // +1: room to read the EOF
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

package open311

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keyclic/keyclic/domain"
)

// Limits of the specification's parameters. The specification bounds description (4,000
// characters); the others are bounded so that no value costs much to store or read.
const (
	MaxDescription   = 4000
	MaxName          = 255  // first_name, last_name, device_id, account_id, address_id, service_code, jurisdiction_id
	MaxAddress       = 1000 // address_string
	MaxMediaURL      = 2048
	MaxAttributes    = 100 // attribute codes in one request
	MaxAttributeText = 4000
	MaxListItems     = 1000 // values of service_request_id, service_code, status
	DefaultPageSize  = 1000 // the specification's cap on one answer
	MaxPageSize      = 1000
	DefaultWindow    = 90 * 24 * time.Hour // the specification's default span of GET requests
)

// NewRequest is the form of POST requests.
type NewRequest struct {
	APIKey         string
	JurisdictionID string
	ServiceCode    string
	Lat, Long      *float64
	AddressString  string
	AddressID      string
	Email          string
	DeviceID       string
	AccountID      string
	FirstName      string
	LastName       string
	Phone          string
	Description    string
	MediaURL       string
	// Attributes are the attribute[code] values (attribute[code][] for a list), in the order
	// their codes first appear.
	Attributes []AttributeValue
}

// AttributeValue is what a request gives for one attribute code.
type AttributeValue struct {
	Code   string
	Values []string
	List   bool // sent as attribute[code][]
}

// params reads single-valued parameters of a form, collecting every violation.
type params struct {
	v  url.Values
	vs domain.Violations
}

// text reads a parameter given at most once, whose value is storable text of at most max
// characters (refusing NUL and bad UTF-8, which a percent-encoded body can carry).
func (p *params) text(name string, max int) string {
	vals := p.v[name]
	switch {
	case len(vals) == 0:
		return ""
	case len(vals) > 1:
		p.vs.Add(name, domain.MsgOpen311Repeated)
		return ""
	}
	v := strings.TrimSpace(vals[0])
	if !CleanText(v) {
		p.vs.Add(name, domain.MsgInvalidCharacter)
		return ""
	}
	if utf8.RuneCountInString(v) > max {
		p.vs.Add(name, domain.MsgTooLong, max)
		return ""
	}
	return v
}

// list reads a parameter that may be given several times, each value comma-delimited.
func (p *params) list(name string, max int) []string {
	var out []string
	for _, raw := range p.v[name] {
		if !CleanText(raw) {
			p.vs.Add(name, domain.MsgInvalidCharacter)
			return nil
		}
		for _, item := range strings.Split(raw, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if utf8.RuneCountInString(item) > MaxName {
				p.vs.Add(name, domain.MsgTooLong, MaxName)
				return nil
			}
			out = append(out, item)
			if len(out) > max {
				p.vs.Add(name, domain.MsgTooManyItems, max)
				return nil
			}
		}
	}
	return out
}

// coordinate reads lat or long: a finite decimal number within ±limit.
func (p *params) coordinate(name string, limit float64) *float64 {
	s := p.text(name, 64)
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < -limit || v > limit {
		p.vs.Add(name, domain.MsgOutOfRange, -limit, limit)
		return nil
	}
	return &v
}

// has reports whether a violation names the parameter.
func (p *params) has(name string) bool {
	for _, v := range p.vs {
		if v.Path == name {
			return true
		}
	}
	return false
}

// CleanText reports whether s can be stored as text: UTF-8 without NUL.
func CleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// ParseNewRequest reads the form of POST requests. It checks each value on its own; whether the
// service exists and what its attributes accept is for the caller to check.
func ParseNewRequest(form url.Values) (NewRequest, error) {
	p := &params{v: form}
	r := NewRequest{
		APIKey:         p.text("api_key", MaxName),
		JurisdictionID: p.text("jurisdiction_id", MaxName),
		ServiceCode:    p.text("service_code", MaxName),
		AddressString:  p.text("address_string", MaxAddress),
		AddressID:      p.text("address_id", MaxName),
		Email:          p.text("email", 254),
		DeviceID:       p.text("device_id", MaxName),
		AccountID:      p.text("account_id", MaxName),
		FirstName:      p.text("first_name", MaxName),
		LastName:       p.text("last_name", MaxName),
		Phone:          p.text("phone", 32),
		Description:    p.text("description", MaxDescription),
		MediaURL:       p.text("media_url", MaxMediaURL),
	}
	r.Lat = p.coordinate("lat", 90)
	r.Long = p.coordinate("long", 180)
	if r.ServiceCode == "" && !p.has("service_code") {
		p.vs.Add("service_code", domain.MsgNotBlank)
	}
	// The point is what matching needs: an address alone cannot be placed, as the service
	// geocodes nothing.
	latBad, longBad := p.has("lat"), p.has("long")
	switch {
	case r.Lat == nil && r.Long == nil && !latBad && !longBad:
		if r.AddressString != "" || r.AddressID != "" {
			p.vs.Add("lat", domain.MsgOpen311NoGeocoding)
		} else {
			p.vs.Add("lat", domain.MsgOpen311LocationRequired)
		}
	case r.Lat == nil && !latBad:
		p.vs.Add("lat", domain.MsgNotBlank)
	case r.Long == nil && !longBad:
		p.vs.Add("long", domain.MsgNotBlank)
	}
	if r.Email != "" && !domain.ValidEmail(r.Email) {
		p.vs.Add("email", domain.MsgInvalidEmail)
	}
	if r.Phone != "" && !domain.ValidTelephone(r.Phone) {
		p.vs.Add("phone", domain.MsgInvalidTelephone)
	}
	if r.MediaURL != "" && !validMediaURL(r.MediaURL) {
		p.vs.Add("media_url", domain.MsgInvalidURL)
	}
	r.Attributes = p.attributes()
	return r, p.vs.Err()
}

// validMediaURL accepts an absolute http or https URL with a host.
func validMediaURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// attributes reads attribute[code] and attribute[code][] parameters.
func (p *params) attributes() []AttributeValue {
	var out []AttributeValue
	index := map[string]int{}
	for name, vals := range p.v {
		rest, ok := strings.CutPrefix(name, "attribute[")
		if !ok {
			continue
		}
		code, list := "", false
		if c, found := strings.CutSuffix(rest, "][]"); found {
			code, list = c, true
		} else if c, found := strings.CutSuffix(rest, "]"); found {
			code = c
		} else {
			p.vs.Add(name, domain.MsgOpen311AttributeName)
			continue
		}
		if code == "" || strings.ContainsAny(code, "[]") || utf8.RuneCountInString(code) > MaxName || !CleanText(code) {
			p.vs.Add(safeName(name), domain.MsgOpen311AttributeName)
			continue
		}
		if _, dup := index[code]; dup || (!list && len(vals) > 1) {
			p.vs.Add(name, domain.MsgOpen311Repeated)
			continue
		}
		for _, v := range vals {
			if !CleanText(v) {
				p.vs.Add(name, domain.MsgInvalidCharacter)
				return nil
			}
			if utf8.RuneCountInString(v) > MaxAttributeText {
				p.vs.Add(name, domain.MsgTooLong, MaxAttributeText)
				return nil
			}
		}
		if len(vals) > MaxListItems {
			p.vs.Add(name, domain.MsgTooManyItems, MaxListItems)
			return nil
		}
		index[code] = len(out)
		out = append(out, AttributeValue{Code: code, Values: vals, List: list})
		if len(out) > MaxAttributes {
			p.vs.Add("attribute", domain.MsgTooManyItems, MaxAttributes)
			return nil
		}
	}
	sortAttributes(out)
	return out
}

// safeName keeps a parameter name fit to be shown back in an error.
func safeName(name string) string {
	if !CleanText(name) {
		return "attribute"
	}
	if utf8.RuneCountInString(name) > MaxName {
		return string([]rune(name)[:MaxName])
	}
	return name
}

// RequestsQuery is the query of GET requests.
type RequestsQuery struct {
	APIKey         string
	JurisdictionID string
	IDs            []string // service_request_id: when given, every other filter is ignored
	ServiceCodes   []string
	From, To       time.Time
	Open, Closed   bool // statuses asked for (neither: any)
	Page, PageSize int
}

// ParseRequestsQuery reads the query of GET requests; now anchors the default window.
func ParseRequestsQuery(q url.Values, now time.Time) (RequestsQuery, error) {
	p := &params{v: q}
	r := RequestsQuery{
		APIKey:         p.text("api_key", MaxName),
		JurisdictionID: p.text("jurisdiction_id", MaxName),
		IDs:            p.list("service_request_id", MaxListItems),
		ServiceCodes:   p.list("service_code", MaxListItems),
	}
	r.From, r.To = p.window(now)
	for _, s := range p.list("status", MaxListItems) {
		switch strings.ToLower(s) {
		case "open":
			r.Open = true
		case "closed":
			r.Closed = true
		default:
			p.vs.Add("status", domain.MsgInvalidChoice, "open, closed")
		}
	}
	r.Page, r.PageSize = p.paging()
	return r, p.vs.Err()
}

// UpdatesQuery is the query of GET servicerequestupdates.
type UpdatesQuery struct {
	APIKey         string
	JurisdictionID string
	From, To       time.Time
	Page, PageSize int
}

// ParseUpdatesQuery reads the query of GET servicerequestupdates.
func ParseUpdatesQuery(q url.Values, now time.Time) (UpdatesQuery, error) {
	p := &params{v: q}
	u := UpdatesQuery{APIKey: p.text("api_key", MaxName), JurisdictionID: p.text("jurisdiction_id", MaxName)}
	u.From, u.To = p.window(now)
	u.Page, u.PageSize = p.paging()
	return u, p.vs.Err()
}

// ParseKeyQuery reads the parameters every other method takes: api_key and jurisdiction_id.
func ParseKeyQuery(q url.Values) (apiKey, jurisdiction string, err error) {
	p := &params{v: q}
	apiKey, jurisdiction = p.text("api_key", MaxName), p.text("jurisdiction_id", MaxName)
	return apiKey, jurisdiction, p.vs.Err()
}

// window reads start_date and end_date. Without them the span is the specification's default:
// 90 days up to now; with one of them, 90 days from it (start) or up to it (end).
func (p *params) window(now time.Time) (from, to time.Time) {
	start, hasStart := p.date("start_date")
	end, hasEnd := p.date("end_date")
	switch {
	case hasStart && hasEnd:
		if start.After(end) {
			p.vs.Add("start_date", domain.MsgOpen311StartAfterEnd)
		}
		return start, end
	case hasStart:
		return start, start.Add(DefaultWindow)
	case hasEnd:
		return end.Add(-DefaultWindow), end
	default:
		return now.Add(-DefaultWindow), now
	}
}

// dateLayouts are the W3C forms of a date and time (with a time zone), and a bare date (UTC).
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"}

// date reads a W3C datetime. An unescaped '+' of an offset arrives as a space.
func (p *params) date(name string) (time.Time, bool) {
	s := p.text(name, 64)
	if s == "" {
		return time.Time{}, false
	}
	s = strings.ReplaceAll(s, " ", "+")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t, true
		}
	}
	p.vs.Add(name, domain.MsgOpen311InvalidDate)
	return time.Time{}, false
}

// paging reads page and page_size, the common extension (page 1 and the specification's cap of
// 1,000 requests by default).
func (p *params) paging() (page, size int) {
	page, size = 1, DefaultPageSize
	if s := p.text("page", 64); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > domain.MaxPage {
			p.vs.Add("page", domain.MsgOutOfRange, 1, domain.MaxPage)
		} else {
			page = n
		}
	}
	if s := p.text("page_size", 64); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			p.vs.Add("page_size", domain.MsgOutOfRange, 1, MaxPageSize)
		} else {
			size = n
		}
	}
	return page, size
}

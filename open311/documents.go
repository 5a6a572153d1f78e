package open311

import (
	"encoding/xml"
	"time"
)

// The documents of the specification, each in JSON and XML. Optional values are pointers: null
// in JSON, left out of XML when unknown.

// Datetime renders a time as the specification's W3C form, in UTC ("2010-04-14T06:37:38Z").
func Datetime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Discovery describes the endpoints (the Service Discovery specification).
type Discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

// Endpoint is one API of a discovery document.
type Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

func (d Discovery) jsonValue() any { return d }
func (d Discovery) xmlValue() any  { return d }

// Service is a type of request clients may post.
type Service struct {
	ServiceCode string  `xml:"service_code" json:"service_code"`
	ServiceName string  `xml:"service_name" json:"service_name"`
	Description *string `xml:"description" json:"description"`
	Metadata    bool    `xml:"metadata" json:"metadata"`
	Type        string  `xml:"type" json:"type"`
	Keywords    *string `xml:"keywords" json:"keywords"`
	Group       *string `xml:"group" json:"group"`
}

// Services is the answer of GET services.
type Services []Service

func (s Services) jsonValue() any { return nonNil(s) }
func (s Services) xmlValue() any {
	return struct {
		XMLName xml.Name  `xml:"services"`
		Items   []Service `xml:"service"`
	}{Items: s}
}

// ServiceDefinition is the answer of GET services/{service_code}: the attributes a request of
// the service may (or must) carry.
type ServiceDefinition struct {
	XMLName     xml.Name    `xml:"service_definition" json:"-"`
	ServiceCode string      `xml:"service_code" json:"service_code"`
	Attributes  []Attribute `xml:"attributes>attribute" json:"attributes"`
}

func (d ServiceDefinition) jsonValue() any { d.Attributes = nonNil(d.Attributes); return d }

// xmlValue leaves <values> out of an attribute that has none, as JSON does.
func (d ServiceDefinition) xmlValue() any {
	type xmlValues struct {
		Items []Value `xml:"value"`
	}
	type xmlAttribute struct {
		Attribute
		Values *xmlValues `xml:"values,omitempty"`
	}
	attrs := make([]xmlAttribute, len(d.Attributes))
	for i, a := range d.Attributes {
		attrs[i] = xmlAttribute{Attribute: a}
		if len(a.Values) > 0 {
			attrs[i].Values = &xmlValues{Items: a.Values}
		}
	}
	return struct {
		XMLName     xml.Name       `xml:"service_definition"`
		ServiceCode string         `xml:"service_code"`
		Attributes  []xmlAttribute `xml:"attributes>attribute"`
	}{ServiceCode: d.ServiceCode, Attributes: attrs}
}

// Attribute is a field of a service's requests beyond the specification's own.
type Attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription *string `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []Value `xml:"-" json:"values,omitempty"`
}

// Value is a choice of a list attribute.
type Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// Created is the answer to POST requests: the request's id, or a token to ask for it later.
type Created struct {
	ServiceRequestID *string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            *string `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice    *string `xml:"service_notice" json:"service_notice"`
	AccountID        *string `xml:"account_id" json:"account_id"`
}

func (c Created) jsonValue() any { return []Created{c} }
func (c Created) xmlValue() any {
	return struct {
		XMLName xml.Name  `xml:"service_requests"`
		Items   []Created `xml:"request"`
	}{Items: []Created{c}}
}

// TokenAnswer is the answer of GET tokens/{token}: the request's id once it is known.
type TokenAnswer struct {
	ServiceRequestID *string `xml:"service_request_id" json:"service_request_id"`
	Token            string  `xml:"token" json:"token"`
}

func (t TokenAnswer) jsonValue() any { return []TokenAnswer{t} }
func (t TokenAnswer) xmlValue() any {
	return struct {
		XMLName xml.Name      `xml:"service_requests"`
		Items   []TokenAnswer `xml:"request"`
	}{Items: []TokenAnswer{t}}
}

// ServiceRequest is a request as GET requests shows it.
type ServiceRequest struct {
	ServiceRequestID  string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       *string  `xml:"status_notes" json:"status_notes"`
	ServiceName       *string  `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       *string  `xml:"description" json:"description"`
	AgencyResponsible *string  `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     *string  `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   *string  `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  *string  `xml:"expected_datetime" json:"expected_datetime"`
	Address           *string  `xml:"address" json:"address"`
	AddressID         *string  `xml:"address_id" json:"address_id"`
	Zipcode           *string  `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat" json:"lat"`
	Long              *float64 `xml:"long" json:"long"`
	MediaURL          *string  `xml:"media_url" json:"media_url"`
}

// ServiceRequests is the answer of GET requests and GET requests/{service_request_id}.
type ServiceRequests []ServiceRequest

func (s ServiceRequests) jsonValue() any { return nonNil(s) }
func (s ServiceRequests) xmlValue() any {
	return struct {
		XMLName xml.Name         `xml:"service_requests"`
		Items   []ServiceRequest `xml:"request"`
	}{Items: s}
}

// RequestUpdate is a change of a request's status (FixMyStreet's servicerequestupdates).
type RequestUpdate struct {
	UpdateID           string  `xml:"update_id" json:"update_id"`
	ServiceRequestID   string  `xml:"service_request_id" json:"service_request_id"`
	Status             string  `xml:"status" json:"status"`
	UpdatedDatetime    string  `xml:"updated_datetime" json:"updated_datetime"`
	Description        string  `xml:"description" json:"description"`
	MediaURL           *string `xml:"media_url" json:"media_url"`
	ExternalStatusCode string  `xml:"external_status_code" json:"external_status_code"`
}

// RequestUpdates is the answer of GET servicerequestupdates.
type RequestUpdates []RequestUpdate

func (u RequestUpdates) jsonValue() any { return nonNil(u) }
func (u RequestUpdates) xmlValue() any {
	return struct {
		XMLName xml.Name        `xml:"service_request_updates"`
		Items   []RequestUpdate `xml:"request_update"`
	}{Items: u}
}

// Error is one error of an error answer.
type Error struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// Errors is an error answer: a list of errors, whatever their number.
type Errors []Error

func (e Errors) jsonValue() any { return nonNil(e) }
func (e Errors) xmlValue() any {
	return struct {
		XMLName xml.Name `xml:"errors"`
		Items   []Error  `xml:"error"`
	}{Items: e}
}

// nonNil makes an empty list a JSON [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

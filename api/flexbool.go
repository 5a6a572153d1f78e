package api

import (
	"encoding/json"
	"reflect"
)

// flexBool accepts true/false and the strings "true"/"false"/"1"/"0": the old client sends the
// notification preferences as strings.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*b = flexBool(x)
		return nil
	case string:
		switch x {
		case "true", "1":
			*b = true
			return nil
		case "false", "0":
			*b = false
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: string(data), Type: reflect.TypeOf(true)}
}

func (b *flexBool) ptr() *bool {
	if b == nil {
		return nil
	}
	v := bool(*b)
	return &v
}

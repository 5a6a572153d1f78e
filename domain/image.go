package domain

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/jpeg" // registers the JPEG decoder used to check uploads
	_ "image/png"  // registers the PNG decoder used to check uploads
	"strings"
)

// Image limits: uploads are data URIs inside JSON, so they are bounded in bytes and in pixels
// (a small file can declare a huge canvas that would exhaust memory when decoded).
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = 50_000_000
	MaxResizeSide  = 4096
)

// Image is a decoded upload, ready to store.
type Image struct {
	ContentType string // image/png or image/jpeg, from the bytes, not from the client's label
	Data        []byte
	Width       int
	Height      int
}

// ParseImageDataURI checks that s is a base64 data URI holding a PNG or JPEG image.
func ParseImageDataURI(path, s string) (Image, error) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	if base64.StdEncoding.DecodedLen(len(payload)) > MaxImageBytes+3 {
		return Image{}, Invalid(path, MsgImageTooLarge, MaxImageBytes)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		// Some clients strip the padding.
		if data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(payload, "=")); err != nil {
			return Image{}, Invalid(path, MsgInvalidImage)
		}
	}
	if len(data) > MaxImageBytes {
		return Image{}, Invalid(path, MsgImageTooLarge, MaxImageBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxImagePixels {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	// A valid header can front truncated or corrupt pixels: decode them all now (the canvas is
	// bounded above), so that every stored image can be resized later.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	return Image{ContentType: "image/" + format, Data: data, Width: cfg.Width, Height: cfg.Height}, nil
}

package domain

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/jpeg" // registers the JPEG decoder used to check uploads
	_ "image/png"  // registers the PNG decoder used to check uploads
	"strings"

	"github.com/google/uuid"
)

// Image limits. Uploads are data URIs inside JSON, so they are bounded in bytes; what a file
// declares is bounded in pixels, checked from its header before anything is decoded (a small
// file can declare a canvas whose decoding would exhaust memory).
const (
	MaxImageBytes = 10 << 20
	MaxResizeSide = 4096
	// DefaultImageMaxPixels takes a 24-megapixel camera's photos (6000 × 4000) and the
	// 12-megapixel ones phones take by default; a 48-megapixel full-resolution shot must be scaled
	// down by the app, which never shows more than MaxResizeSide anyway. Decoded, it is 36 MB
	// as a JPEG, 96 MB as an 8-bit PNG, 192 MB as a 16-bit one.
	DefaultImageMaxPixels = 24_000_000
	// DefaultImageMaxSide keeps panoramas but refuses the degenerate shapes (1 × 24,000,000)
	// whose resizing costs far more than their pixel count says.
	DefaultImageMaxSide = 16384
)

// ImageLimits are what an upload may be, and the budget its decoding waits for.
type ImageLimits struct {
	MaxPixels int // width × height
	MaxSide   int // width, and height
	// Decodes bounds the memory of the decodes and resizes in flight in this process, and the
	// cost of any one upload; nil bounds neither (tools).
	Decodes *DecodeBudget
}

// withDefaults fills the limits left at zero.
func (l ImageLimits) withDefaults() ImageLimits {
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultImageMaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultImageMaxSide
	}
	return l
}

// Image is a decoded upload, ready to store.
type Image struct {
	ID          uuid.UUID // the id it is stored under (zero: a new one)
	ContentType string    // image/png or image/jpeg, from the bytes, not from the client's label
	Data        []byte
	Width       int
	Height      int
}

// ParseImageDataURI checks that s is a base64 data URI holding a PNG or JPEG image within the
// limits, and that its pixels decode (so that it can be resized later). The decode waits for
// its cost in the budget, as long as ctx lasts.
func ParseImageDataURI(ctx context.Context, path, s string, lim ImageLimits) (Image, error) {
	lim = lim.withDefaults()
	data, err := dataURIBytes(path, s)
	if err != nil {
		return Image{}, err
	}
	cfg, format, cost, err := inspectImage(data)
	if err != nil || (format != "png" && format != "jpeg") || cfg.Width <= 0 || cfg.Height <= 0 {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if cfg.Width > lim.MaxSide || cfg.Height > lim.MaxSide || pixels > int64(lim.MaxPixels) {
		return Image{}, Invalid(path, MsgImageTooManyPixels, cfg.Width, cfg.Height, lim.MaxPixels, lim.MaxSide)
	}
	if lim.Decodes != nil && cost > lim.Decodes.Size() {
		// The pixels an image of this encoding may have for its decoding to fit in the budget.
		most := min(int64(float64(lim.Decodes.Size())/float64(cost)*float64(pixels)), int64(lim.MaxPixels))
		return Image{}, Invalid(path, MsgImageTooCostly, most, pixels)
	}
	release, err := lim.Decodes.Acquire(ctx, cost)
	if err != nil {
		return Image{}, err
	}
	// A valid header can front truncated or corrupt pixels: decode them all now. The image is
	// dropped at once; only the check is kept.
	_, _, err = image.Decode(bytes.NewReader(data))
	release()
	if err != nil {
		return Image{}, Invalid(path, MsgInvalidImage)
	}
	return Image{ContentType: "image/" + format, Data: data, Width: cfg.Width, Height: cfg.Height}, nil
}

// dataURIBytes decodes the base64 payload of a data URI, bounded by MaxImageBytes.
func dataURIBytes(path, s string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, "data:")
	if !ok {
		return nil, Invalid(path, MsgInvalidImage)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return nil, Invalid(path, MsgInvalidImage)
	}
	if base64.StdEncoding.DecodedLen(len(payload)) > MaxImageBytes+3 {
		return nil, Invalid(path, MsgImageTooLarge, MaxImageBytes)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		// Some clients strip the padding.
		if data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(payload, "=")); err != nil {
			return nil, Invalid(path, MsgInvalidImage)
		}
	}
	if len(data) > MaxImageBytes {
		return nil, Invalid(path, MsgImageTooLarge, MaxImageBytes)
	}
	return data, nil
}

// DecodeStoredImage decodes a stored image for resizing once extra bytes more (the resize's own
// buffers) and its decoding's cost are free in the budget; release gives them back, once the
// caller is done with the pixels. An image stored under larger limits still decodes: its cost,
// over the whole budget, makes it run alone.
func DecodeStoredImage(ctx context.Context, img Image, lim ImageLimits, extra int64) (m image.Image, release func(), err error) {
	_, _, cost, err := inspectImage(img.Data)
	if err != nil {
		return nil, nil, Invalid("image", MsgInvalidImage)
	}
	if release, err = lim.Decodes.Acquire(ctx, cost+extra); err != nil {
		return nil, nil, err
	}
	if m, _, err = image.Decode(bytes.NewReader(img.Data)); err != nil {
		release()
		// stored before uploads were decoded whole: it cannot be shown resized
		return nil, nil, Invalid("image", MsgInvalidImage)
	}
	return m, release, nil
}

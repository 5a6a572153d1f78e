package domain

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
)

// decodeOverhead covers what a decoder allocates besides the pixels (Huffman tables, zlib's
// window and tables, buffered readers).
const decodeOverhead = 128 << 10

// inspectImage reads an image's header and estimates, from it alone, the bytes that decoding it
// with the standard library allocates. The estimate is an upper bound: it follows what
// image/png and image/jpeg allocate for each kind of file, so a small file declaring an
// expensive kind of image (16-bit, interlaced, progressive, CMYK) is charged what it will cost.
func inspectImage(data []byte) (cfg image.Config, format string, cost int64, err error) {
	cfg, format, err = image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, format, 0, err
	}
	switch format {
	case "png":
		cost = pngCost(data, cfg)
	case "jpeg":
		cost = jpegCost(data, cfg)
	}
	return cfg, format, cost + decodeOverhead, nil
}

// pngCost: the decoded image, twice for an interlaced file (each Adam7 pass is decoded into an
// image of its own, then merged into the whole one), plus two rows.
func pngCost(data []byte, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	var bpp int64 = 8
	if _, paletted := cfg.ColorModel.(color.Palette); paletted {
		bpp = 1
	} else {
		switch cfg.ColorModel {
		case color.GrayModel:
			bpp = 1
		case color.Gray16Model:
			bpp = 2
		case color.RGBAModel, color.NRGBAModel:
			bpp = 4
		}
		// A transparent colour makes the decoder build an NRGBA (16-bit: NRGBA64) image instead.
		if pngTransparent(data) {
			if bpp == 2 || bpp == 8 {
				bpp = 8
			} else {
				bpp = 4
			}
		}
	}
	cost := w * h * bpp
	if len(data) > 28 && data[28] == 1 { // the IHDR's interlace method: Adam7
		cost *= 2
	}
	return cost + 2*(w*8+1)
}

// pngTransparent reports whether a tRNS chunk comes before the image data.
func pngTransparent(data []byte) bool {
	for i := 8; i+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[i:]))
		switch string(data[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT":
			return false
		}
		if n > int64(len(data)) {
			return false
		}
		i += 12 + int(n)
	}
	return false
}

// jpegCost: every component's padded plane (one byte per sample), four bytes more per sample for
// the coefficients a progressive file keeps between scans, and for four components the CMYK
// image the planes are converted into. When the frame header cannot be read plainly, the most
// expensive layout the header's colour model allows is assumed.
func jpegCost(data []byte, cfg image.Config) int64 {
	w, h := int64(cfg.Width), int64(cfg.Height)
	progressive, factors, ok := jpegFrame(data)
	if !ok || len(factors) == 0 {
		n := int64(3)
		switch cfg.ColorModel {
		case color.GrayModel:
			n = 1
		case color.CMYKModel:
			n = 4
		}
		samples := n * (w + 15) * (h + 15)
		return samples*5 + 4*w*h
	}
	if len(factors) == 1 {
		factors[0] = [2]int64{1, 1} // the decoder ignores a lone component's sampling factors
	}
	h0, v0 := factors[0][0], factors[0][1]
	mcuX, mcuY := (w+8*h0-1)/(8*h0), (h+8*v0-1)/(8*v0)
	var samples int64
	for _, f := range factors {
		samples += (8 * f[0] * mcuX) * (8 * f[1] * mcuY)
	}
	cost := samples
	if progressive {
		cost += 4 * samples
	}
	if len(factors) == 4 {
		cost += 4 * w * h
	}
	return cost
}

// jpegFrame reads a JPEG's frame header (SOF0, SOF1 or SOF2, the ones image/jpeg decodes):
// whether it is progressive, and each component's horizontal and vertical sampling factors.
// ok is false unless the segments up to it are laid out as the standard says.
func jpegFrame(data []byte) (progressive bool, factors [][2]int64, ok bool) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return false, nil, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return false, nil, false
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker >= 0xd0 && marker <= 0xd7: // restart markers stand alone
			i += 2
			continue
		case marker < 0xc0 || marker >= 0xd8 && marker <= 0xda: // what the decoder refuses before a frame
			return false, nil, false
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 || i+2+n > len(data) {
			return false, nil, false
		}
		if marker == 0xc0 || marker == 0xc1 || marker == 0xc2 {
			seg := data[i+4 : i+2+n]
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				return false, nil, false
			}
			for c := range int(seg[5]) {
				hv := seg[6+3*c+1]
				factors = append(factors, [2]int64{max(int64(hv>>4), 1), max(int64(hv&0x0f), 1)})
			}
			return marker == 0xc2, factors, true
		}
		i += 2 + n
	}
	return false, nil, false
}

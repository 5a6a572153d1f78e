// Package imagetest makes images that cost a decoder much memory for little data, for the tests
// and the benchmarks of image uploads.
package imagetest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// PNG colour types (the IHDR's).
const (
	Gray      = 0
	RGB       = 2
	RGBAlpha  = 6
	signature = "\x89PNG\r\n\x1a\n"
)

// ZeroPNG is a complete, valid PNG of w×h pixels, all zero, of the given colour type and bit
// depth (8 or 16). Its data is a zlib stream of zeros (the rows' filter bytes are zero too),
// about a thousand times smaller than the pixels, and it is made without compressing them all:
// a megabyte of zeros is compressed once, from an empty history and flushed to a byte boundary,
// so its compressed form can be repeated as often as needed.
func ZeroPNG(w, h int, colorType, depth byte) []byte {
	channels := map[byte]int{Gray: 1, RGB: 3, RGBAlpha: 4}[colorType]
	var b bytes.Buffer
	b.WriteString(signature)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, colorType
	writeChunk(&b, "IHDR", ihdr)

	n := int64(h) * int64(1+(w*channels*int(depth)+7)/8) // a filter byte (0: none), then the samples
	const block = 1 << 20
	idat := bytes.NewBuffer([]byte{0x78, 0xda}) // zlib header: deflate, 32 KiB window
	full := zerosDeflated(block)
	for range n / block {
		idat.Write(full)
	}
	idat.Write(zerosDeflated(int(n % block)))
	idat.Write([]byte{0x03, 0x00})                                  // the final block, empty
	_ = binary.Write(idat, binary.BigEndian, uint32(n%65521)<<16|1) // Adler-32 of n zeros
	writeChunk(&b, "IDAT", idat.Bytes())
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}

// zerosDeflated is n zeros compressed as non-final deflate blocks ending on a byte boundary.
func zerosDeflated(n int) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	_, _ = fw.Write(make([]byte, n))
	_ = fw.Flush()
	return b.Bytes()
}

// WithChunk inserts a chunk just before the first IDAT of a PNG (a tRNS, say).
func WithChunk(png []byte, typ string, data []byte) []byte {
	i := bytes.Index(png, []byte("IDAT")) - 4
	if i < len(signature) {
		return png
	}
	var b bytes.Buffer
	b.Write(png[:i])
	writeChunk(&b, typ, data)
	b.Write(png[i:])
	return b.Bytes()
}

func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(data)))
	start := b.Len()
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(b.Bytes()[start:]))
}

// HeaderBomb is a one-pixel PNG whose header declares w×h: a decoder that trusts the header
// allocates the whole canvas before it finds the data missing.
func HeaderBomb(w, h uint32) []byte {
	b := ZeroPNG(1, 1, Gray, 8)
	// signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4)
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

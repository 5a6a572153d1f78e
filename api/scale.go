package api

import (
	"image"

	"golang.org/x/image/draw"
)

// scaleScratch bounds the float buffer of one band (x/image/draw's kernel scaler keeps 32 bytes
// per sample between its two passes).
const scaleScratch = 8 << 20

// scaleInto draws src scaled to dst's size with Catmull-Rom. draw.CatmullRom.Scale would keep a
// float buffer of the destination's width by the source's height (768 MB for a 24-megapixel
// picture made 4096 wide), so the kernel's two passes are made here one after the other, each on
// bands where the other direction is left as it is: rows scaled across into an 8-bit image of
// the destination's width and the source's height, then its columns scaled down.
func scaleInto(dst *image.RGBA, src image.Image) {
	sr, dr := src.Bounds(), dst.Bounds()
	sw, sh, dw, dh := sr.Dx(), sr.Dy(), dr.Dx(), dr.Dy()
	if 32*int64(dw)*int64(sh) <= scaleScratch { // a thumbnail: one call keeps little
		draw.CatmullRom.Scale(dst, dr, src, sr, draw.Src, nil)
		return
	}
	mid := image.NewRGBA(image.Rect(0, 0, dw, sh))

	rows := max(1, min(sh, scaleScratch/(32*dw)))
	across := draw.CatmullRom.NewScaler(dw, rows, sw, rows)
	for y := 0; y < sh; y += rows {
		n := min(rows, sh-y)
		across.Scale(mid, image.Rect(0, y, dw, y+n), src, image.Rect(sr.Min.X, sr.Min.Y+y, sr.Max.X, sr.Min.Y+y+n), draw.Src, nil)
	}

	cols := max(1, min(dw, scaleScratch/(32*sh)))
	down := draw.CatmullRom.NewScaler(cols, dh, cols, sh)
	for x := 0; x < dw; x += cols {
		n := min(cols, dw-x)
		down.Scale(dst, image.Rect(dr.Min.X+x, dr.Min.Y, dr.Min.X+x+n, dr.Max.Y), mid, image.Rect(x, 0, x+n, sh), draw.Src, nil)
	}
}

// scaleCost is the memory a resize holds besides the decoded source: the intermediate image,
// the destination and its encoding (counted as large as the destination), and the scratch.
func scaleCost(sh, dw, dh int) int64 {
	return 4*int64(dw)*int64(sh) + 2*4*int64(dw)*int64(dh) + 2*scaleScratch
}

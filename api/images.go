package api

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// sendResized answers with the image scaled to fit in the requested box, keeping its aspect ratio
// and never enlarging it.
func (s *Server) sendResized(c *gin.Context, img domain.Image) {
	var vs domain.Violations
	w, h := dimension(c, "width", &vs), dimension(c, "height", &vs)
	if err := vs.Err(); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.resize(c.Request.Context(), img, w, h)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, img.ContentType, out)
}

// sendPathImage sends the image named by the path's {image}, as load finds it among its owner's.
func (s *Server) sendPathImage(c *gin.Context, load func(context.Context, uuid.UUID) (domain.Image, error)) {
	imageID, err := pathID(c, "image")
	if err != nil {
		s.fail(c, err)
		return
	}
	img, err := load(c, imageID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendResized(c, img)
}

func dimension(c *gin.Context, name string, vs *domain.Violations) int {
	n, err := strconv.Atoi(c.Param(name))
	if err != nil || n < 1 || n > domain.MaxResizeSide {
		vs.Add(name, domain.MsgInvalidImageSize, domain.MaxResizeSide)
	}
	return n
}

// resize scales the image down to fit maxW×maxH. Decoding and scaling wait for their memory in
// the process's decode budget; it is given back before the answer is written, so a slow client
// holds none of it.
func (s *Server) resize(ctx context.Context, img domain.Image, maxW, maxH int) ([]byte, error) {
	scale := min(float64(maxW)/float64(img.Width), float64(maxH)/float64(img.Height))
	if scale >= 1 {
		return img.Data, nil
	}
	w, h := max(1, int(float64(img.Width)*scale+0.5)), max(1, int(float64(img.Height)*scale+0.5))
	src, release, err := domain.DecodeStoredImage(ctx, img, s.settings.Images, scaleCost(img.Height, w, h))
	if err != nil {
		return nil, err
	}
	defer release()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	scaleInto(dst, src)
	var b bytes.Buffer
	if img.ContentType == "image/jpeg" {
		err = jpeg.Encode(&b, dst, &jpeg.Options{Quality: 85})
	} else {
		err = png.Encode(&b, dst)
	}
	return b.Bytes(), err
}

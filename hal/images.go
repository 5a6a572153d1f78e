package hal

// ImageLink points at an image endpoint with a default size; clients replace width and height.
func ImageLink(base, name, id string) *Link {
	return NewLink(base+"/200/200", name, id, "width", "200", "height", "200")
}

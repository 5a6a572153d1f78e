package main

import (
	"fmt"
	"runtime"

	"github.com/keyclic/keyclic/internal/testkit"
)

// describeLimits prints the image limits the stack runs with (the IMAGE_* variables).
func describeLimits(s *testkit.Stack) {
	c := s.App.Config
	fmt.Printf("Image limits: %d pixels, %d on a side, decode budget %s (GOMAXPROCS %d).\n",
		c.ImageMaxPixels, c.ImageMaxSide, mib(c.ImageDecodeMemory), runtime.GOMAXPROCS(0))
}

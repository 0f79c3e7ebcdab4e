//go:build !linux

package prefault

func init() { close(Done) }

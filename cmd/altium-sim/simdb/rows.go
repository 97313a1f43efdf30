package simdb

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
)

// RowSize is the length in bytes of every simulated row, newline included.
const RowSize = 96

// Row returns the content of row index of table at generation gen: RowSize bytes,
// printable, ending in '\n', the same for the same inputs in every process.
func Row(table string, index, gen int64) []byte {
	return AppendRow(make([]byte, 0, RowSize), table, index, gen)
}

// AppendRow appends Row(table, index, gen) to dst, so a caller can reuse one buffer.
func AppendRow(dst []byte, table string, index, gen int64) []byte {
	h := fnv.New64a()
	h.Write([]byte(table))
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(index))
	binary.LittleEndian.PutUint64(b[8:], uint64(gen))
	h.Write(b[:])
	seed := h.Sum64()
	start := len(dst)
	dst = fmt.Appendf(dst, "%s|%d|%d|", table, index, gen)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "
	for len(dst)-start < RowSize-1 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		dst = append(dst, alphabet[seed%uint64(len(alphabet))])
	}
	dst = dst[:start+RowSize-1]
	return append(dst, '\n')
}

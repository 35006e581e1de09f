package gguf

// KV is one metadata key with its typed value.
type KV struct {
	Key   string
	Value Value
}

// Metadata is an ordered set of GGUF key/value pairs. The zero value is an
// empty set ready to use. Order is the file order; Set on an existing key
// moves it to the end, as gguf.cpp's gguf_set_* does, so a Go program that
// mirrors a C tool's sequence of sets produces the same key order.
type Metadata struct {
	kvs   []KV
	index map[string]int
}

// NewMetadata returns an empty set.
func NewMetadata() *Metadata { return &Metadata{} }

// Len is the number of keys.
func (m *Metadata) Len() int { return len(m.kvs) }

// Get returns the value stored under key.
func (m *Metadata) Get(key string) (Value, bool) {
	i, ok := m.find(key)
	if !ok {
		return Value{}, false
	}
	return m.kvs[i].Value, true
}

// Has reports whether key is present.
func (m *Metadata) Has(key string) bool { _, ok := m.find(key); return ok }

// Set stores v under key; an existing key is removed first and the new pair
// appended at the end.
func (m *Metadata) Set(key string, v Value) {
	m.Delete(key)
	m.kvs = append(m.kvs, KV{key, v})
	if m.index == nil {
		m.reindex()
	} else {
		m.index[key] = len(m.kvs) - 1
	}
}

// Delete removes key if present.
func (m *Metadata) Delete(key string) {
	i, ok := m.find(key)
	if !ok {
		return
	}
	m.kvs = append(m.kvs[:i], m.kvs[i+1:]...)
	m.reindex()
}

// KVs returns the pairs in order. The slice is a copy; the values share
// array backing storage with the set.
func (m *Metadata) KVs() []KV { return append([]KV(nil), m.kvs...) }

// Keys returns the keys in order.
func (m *Metadata) Keys() []string {
	out := make([]string, len(m.kvs))
	for i, kv := range m.kvs {
		out[i] = kv.Key
	}
	return out
}

// Clone returns an independent copy (arrays are copied too).
func (m *Metadata) Clone() *Metadata {
	c := &Metadata{kvs: make([]KV, len(m.kvs))}
	for i, kv := range m.kvs {
		c.kvs[i] = KV{kv.Key, cloneValue(kv.Value)}
	}
	c.reindex()
	return c
}

// find never modifies m, so concurrent readers are safe; Set and Delete
// keep the index current.
func (m *Metadata) find(key string) (int, bool) {
	if m == nil {
		return 0, false
	}
	if m.index == nil {
		for i := range m.kvs {
			if m.kvs[i].Key == key {
				return i, true
			}
		}
		return 0, false
	}
	i, ok := m.index[key]
	return i, ok
}

func (m *Metadata) reindex() {
	m.index = make(map[string]int, len(m.kvs))
	for i, kv := range m.kvs {
		m.index[kv.Key] = i
	}
}

func cloneValue(v Value) Value {
	switch a := v.V.(type) {
	case []uint8:
		v.V = append([]uint8(nil), a...)
	case []int8:
		v.V = append([]int8(nil), a...)
	case []uint16:
		v.V = append([]uint16(nil), a...)
	case []int16:
		v.V = append([]int16(nil), a...)
	case []uint32:
		v.V = append([]uint32(nil), a...)
	case []int32:
		v.V = append([]int32(nil), a...)
	case []float32:
		v.V = append([]float32(nil), a...)
	case []bool:
		v.V = append([]bool(nil), a...)
	case []string:
		v.V = append([]string(nil), a...)
	case []uint64:
		v.V = append([]uint64(nil), a...)
	case []int64:
		v.V = append([]int64(nil), a...)
	case []float64:
		v.V = append([]float64(nil), a...)
	}
	return v
}

// Typed getters: each accepts exactly one GGUF type, as llama.cpp's loader
// does ("key has wrong type"); a key of another type reports false.

func getAs[T any](m *Metadata, key string, t ValueType) (T, bool) {
	var zero T
	v, ok := m.Get(key)
	if !ok || v.Type != t {
		return zero, false
	}
	x, ok := v.V.(T)
	return x, ok
}

func (m *Metadata) String(key string) (string, bool)   { return getAs[string](m, key, String) }
func (m *Metadata) Uint8(key string) (uint8, bool)     { return getAs[uint8](m, key, Uint8) }
func (m *Metadata) Int8(key string) (int8, bool)       { return getAs[int8](m, key, Int8) }
func (m *Metadata) Uint16(key string) (uint16, bool)   { return getAs[uint16](m, key, Uint16) }
func (m *Metadata) Int16(key string) (int16, bool)     { return getAs[int16](m, key, Int16) }
func (m *Metadata) Uint32(key string) (uint32, bool)   { return getAs[uint32](m, key, Uint32) }
func (m *Metadata) Int32(key string) (int32, bool)     { return getAs[int32](m, key, Int32) }
func (m *Metadata) Float32(key string) (float32, bool) { return getAs[float32](m, key, Float32) }
func (m *Metadata) Bool(key string) (bool, bool)       { return getAs[bool](m, key, Boolean) }
func (m *Metadata) Uint64(key string) (uint64, bool)   { return getAs[uint64](m, key, Uint64) }
func (m *Metadata) Int64(key string) (int64, bool)     { return getAs[int64](m, key, Int64) }
func (m *Metadata) Float64(key string) (float64, bool) { return getAs[float64](m, key, Float64) }

// Strings returns a string array.
func (m *Metadata) Strings(key string) ([]string, bool) {
	v, ok := m.Get(key)
	if !ok || v.Type != Array || v.Elem != String {
		return nil, false
	}
	a, ok := v.V.([]string)
	return a, ok
}

// Int returns an integer of any width (see Value.Int), for callers that do
// not care which integer type a writer chose.
func (m *Metadata) Int(key string) (int64, bool) {
	v, ok := m.Get(key)
	if !ok {
		return 0, false
	}
	return v.Int()
}

package envs

import (
	"reflect"

	"github.com/goccy/go-yaml/token"
)

// checkTokens bounds the document before the YAML parser sees it: the
// number of tokens (the parser allocates up to 1 KB for each), the nesting
// depth (its memory grows with the square of the depth) and the keys of one
// mapping (with the square of a block mapping's keys). It also refuses
// directives, which change how the tags below them are read. The tokenizer
// it reads is linear in the file's size.
func checkTokens(tokens token.Tokens) ErrorList {
	var errs ErrorList
	w := depthWalker{}
	for i, tk := range tokens {
		if i == MaxYAMLTokens {
			errs.addLine(w.path(), tk.Position.Line, "the file has more than %d YAML tokens (keys, values, brackets, comments): an env file has a few thousand at most; the loader refuses larger documents before parsing them", MaxYAMLTokens)
			return errs
		}
		if tk.Type == token.DirectiveType {
			errs.addLine(nil, tk.Position.Line, "YAML directives (%s) are not supported: they change how the tags below them are read; remove the line", "%TAG, %YAML")
			continue
		}
		w.step(tk)
		if t := w.top(); t != nil && t.keys > MaxMappingKeys {
			errs.addLine(t.path, tk.Position.Line, "a mapping of more than %d keys: the largest mappings of an env file (tags, labels) have 50 at most; the loader refuses larger ones before parsing them", MaxMappingKeys)
			return errs
		}
		if len(w.levels) > MaxNestingDepth {
			errs.addLine(w.path(), tk.Position.Line, "nested deeper than %d levels: the deepest field of an env file (clusters[].nodeGroups[].taints[].key) is 7 levels deep; the loader refuses deeper documents before parsing them", MaxNestingDepth)
			return errs
		}
	}
	return errs
}

// levelKind is the kind of a collection open at some point of the tokens.
type levelKind int

const (
	blockMap levelKind = iota
	blockSeq
	flowMap
	flowSeq
)

// level is one open collection: its kind, the column of its entries (block
// collections), its path and the Go type it decodes into (nil if none), and
// the entry being read.
type level struct {
	kind  levelKind
	col   int
	path  *Path
	typ   reflect.Type
	key   string
	keys  int // keys read, in a mapping
	index int
}

// child is the path and Go type of the entry being read.
func (l *level) child() (*Path, reflect.Type) {
	t := l.typ
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case (l.kind == blockMap || l.kind == flowMap) && l.key == "" && l.keys == 0:
		return l.path, l.typ // no key read yet: the mapping itself
	case l.kind == blockSeq || l.kind == flowSeq:
		if t != nil && t.Kind() == reflect.Slice {
			return l.path.Index(l.index), t.Elem()
		}
		return l.path.Index(l.index), nil
	case t != nil && t.Kind() == reflect.Map:
		return l.path.Key(l.key), t.Elem()
	case t != nil && t.Kind() == reflect.Struct:
		f, ok := structFields(t)[l.key]
		if ok {
			return childPath(l.path, l.key), f.Type
		}
	}
	return childPath(l.path, l.key), nil
}

// depthWalker follows the nesting of a token stream: flow collections by
// their brackets, block collections by the columns of their entries, as
// the YAML parser will nest them. Its depth counts the collections open at
// a token; its path names the field being read, for messages.
type depthWalker struct {
	levels []*level
}

func (w *depthWalker) top() *level {
	if len(w.levels) == 0 {
		return nil
	}
	return w.levels[len(w.levels)-1]
}

// path is the field the walker is in.
func (w *depthWalker) path() *Path {
	p, _ := w.childOfTop()
	return p
}

func (w *depthWalker) childOfTop() (*Path, reflect.Type) {
	if t := w.top(); t != nil {
		return t.child()
	}
	return nil, reflect.TypeFor[Config]()
}

func (w *depthWalker) push(kind levelKind, col int) *level {
	p, t := w.childOfTop()
	l := &level{kind: kind, col: col, path: p, typ: t}
	w.levels = append(w.levels, l)
	return l
}

// inFlow reports whether the walker is inside a flow collection.
func (w *depthWalker) inFlow() bool {
	t := w.top()
	return t != nil && (t.kind == flowMap || t.kind == flowSeq)
}

// closeBlocks closes the block collections whose entries are indented
// more than col: a line at col ends them.
func (w *depthWalker) closeBlocks(col int) {
	for t := w.top(); t != nil && !w.inFlow() && t.col > col; t = w.top() {
		w.levels = w.levels[:len(w.levels)-1]
	}
}

func (w *depthWalker) step(tk *token.Token) {
	switch tk.Type {
	case token.DocumentHeaderType, token.DocumentEndType:
		w.levels = nil
	case token.SequenceStartType:
		w.push(flowSeq, 0)
	case token.MappingStartType:
		w.push(flowMap, 0)
	case token.SequenceEndType, token.MappingEndType:
		// Close up to the innermost flow collection: what a flow
		// collection holds closes with it.
		for len(w.levels) > 0 {
			t := w.top()
			w.levels = w.levels[:len(w.levels)-1]
			if t.kind == flowMap || t.kind == flowSeq {
				break
			}
		}
	case token.CollectEntryType:
		if t := w.top(); t != nil && t.kind == flowSeq {
			t.index++
		}
	case token.SequenceEntryType:
		if w.inFlow() {
			return
		}
		col := tk.Position.Column
		w.closeBlocks(col)
		switch t := w.top(); {
		case t != nil && t.col == col && t.kind == blockSeq:
			t.index++
		default:
			// A new sequence, or one written at its key's indentation
			// ("key:\n- a"), which is one level below the key all the same.
			w.push(blockSeq, col)
		}
	case token.MappingKeyType:
		// An explicit key ("? key"): the ":" of its value is on a later line.
		if !w.inFlow() {
			w.blockKey("?", tk.Position.Column)
		}
	case token.MappingValueType:
		w.mappingValue(tk)
	}
}

// mappingValue handles the ":" after a key: the key is the token before it,
// on the same line ("? key" puts it on an earlier one).
func (w *depthWalker) mappingValue(tk *token.Token) {
	k := tk.Prev
	if k == nil || k.Position.Line != tk.Position.Line || k.Type == token.MappingValueType {
		if t := w.top(); !w.inFlow() && t != nil && t.kind == blockMap && t.col == tk.Position.Column && t.key == "?" {
			return // the value of an explicit key
		}
		k = nil
	}
	key, col := "", tk.Position.Column
	if k != nil {
		key, col = k.Value, k.Position.Column
	}
	if w.inFlow() {
		if t := w.top(); t.kind == flowMap {
			t.key = key
			t.keys++
		}
		return
	}
	w.blockKey(key, col)
}

// blockKey reads a block mapping's key at col: an entry of the mapping at
// that column, or the first of a new one.
func (w *depthWalker) blockKey(key string, col int) {
	w.closeBlocks(col)
	t := w.top()
	if t != nil && t.col == col && t.kind == blockSeq {
		// A key at the indentation of a sequence ends it: the sequence
		// was its mapping's value ("key:\n- a\nnext: b").
		w.levels = w.levels[:len(w.levels)-1]
		t = w.top()
	}
	if t == nil || t.col != col || t.kind != blockMap {
		t = w.push(blockMap, col)
	}
	t.key = key
	t.keys++
}

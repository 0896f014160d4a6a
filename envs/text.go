package envs

import (
	"fmt"
	"unicode/utf8"
)

// checkSize refuses a file over MaxFileBytes before anything reads it.
func checkSize(name string, data []byte) ErrorList {
	if len(data) <= MaxFileBytes {
		return nil
	}
	return ErrorList{{File: name, Detail: fmt.Sprintf("the file is over %d bytes (%d KiB), the most an env file may hold: env files are a few KB, and the cap keeps loading one within bounded memory", MaxFileBytes, MaxFileBytes>>10)}}
}

// maxTextErrors is how many characters checkText reports one by one: a
// file with more is not text, and the first ones show where it goes wrong.
const maxTextErrors = 20

// checkText refuses what an env file, read by people in review, must not
// hold: bytes that are not UTF-8, NUL and other control characters, a
// byte-order mark, and the Unicode controls that make text display in
// another order than it is read. Each problem has its line; the loader
// names the field once the file is parsed (source.fieldAt).
func checkText(data []byte) ErrorList {
	var errs ErrorList
	more := 0 // problems past maxTextErrors, counted only
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if detail := badRune(r, size, data[i]); detail != "" {
			if len(errs) < maxTextErrors {
				errs = append(errs, &FieldError{Line: line, Detail: fmt.Sprintf("%s at column %d: %s", detail, col, textFix(r, size))})
			} else {
				more++
			}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	if more > 0 {
		errs = append(errs, &FieldError{Detail: fmt.Sprintf("and %d more characters that an env file may not hold", more)})
	}
	return errs
}

// badRune says what is wrong with rune r (size bytes, starting with byte
// b), or "" if an env file may hold it. YAML itself allows only printable
// characters (tab, line breaks, and no C0 or C1 control but NEL).
func badRune(r rune, size int, b byte) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return fmt.Sprintf("byte 0x%02X is not UTF-8", b)
	case r == 0:
		return "a NUL byte"
	case r == '\t' || r == '\n' || r == '\r':
		return ""
	case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0 && r != 0x85):
		return fmt.Sprintf("control character %U", r)
	case r == 0xFEFF:
		return "a byte-order mark (U+FEFF)"
	case bidiControl(r):
		return fmt.Sprintf("Unicode bidirectional control %U", r)
	}
	return ""
}

func textFix(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return "env files are UTF-8 text; save the file as UTF-8"
	case r == 0xFEFF:
		return "save the file as UTF-8 without a byte-order mark"
	case bidiControl(r):
		// CVE-2021-42574 ("Trojan Source").
		return "it makes text display in another order than it is read, so a reviewer would approve a value other than the one deployed; remove it"
	}
	return "an env file holds printable text only; remove it"
}

// bidiControl reports the Unicode bidirectional formatting characters:
// embeddings, overrides and isolates (LRE..RLO, LRI..PDI) and the marks.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

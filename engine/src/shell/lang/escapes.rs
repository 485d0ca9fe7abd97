//! Backslash escapes, as bash decodes them in its three places: `$'…'`
//! quoting, `echo -e`, and `printf` (its format and `%b`). One decoder, as
//! in bash (`ansicstr`), with the small differences between them.
//!
//! Escapes make bytes, not characters (`\xe2\x80\xae` is one character in
//! UTF-8), so the text is built as bytes and read back as UTF-8, with the
//! replacement character where the bytes are not UTF-8.

/// Which of bash's readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `$'…'`: `\cX` is a control character, `\'` and `\"` and `\?` escape.
    AnsiC,
    /// `echo -e` and `printf %b`: octal is `\0NNN`, `\c` stops all output.
    Echo,
    /// A `printf` format: octal is `\NNN`, `\c` stops, `\"` and `\'` escape.
    Printf,
}

/// Reads up to `max` digits of `radix` from `chars[j..]`.
fn digits(chars: &[char], j: &mut usize, radix: u32, max: usize) -> Option<u32> {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max {
        match chars.get(*j).and_then(|c| c.to_digit(radix)) {
            Some(d) => {
                v = v.wrapping_mul(radix).wrapping_add(d);
                *j += 1;
                n += 1;
            }
            None => break,
        }
    }
    (n > 0).then_some(v)
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Decodes the escape whose backslash is just before `chars[i]` into `out`.
/// Returns the index after it, and whether it was `\c` asking to stop all
/// output (echo and printf).
pub fn decode_at(chars: &[char], i: usize, flavor: Flavor, out: &mut Vec<u8>) -> (usize, bool) {
    let Some(&e) = chars.get(i) else {
        out.push(b'\\');
        return (i, false);
    };
    let mut j = i + 1;
    match e {
        'a' => out.push(0x07),
        'b' => out.push(0x08),
        'e' | 'E' => out.push(0x1b),
        'f' => out.push(0x0c),
        'n' => out.push(b'\n'),
        'r' => out.push(b'\r'),
        't' => out.push(b'\t'),
        'v' => out.push(0x0b),
        '\\' => out.push(b'\\'),
        'c' if flavor == Flavor::AnsiC => match chars.get(j) {
            // `\cX`: the control character, as bash computes it.
            Some(&x) => {
                j += 1;
                let v = if x == '?' {
                    0x7f
                } else {
                    (x.to_ascii_uppercase() as u32) & 0x1f
                };
                out.push(v as u8);
            }
            None => out.extend_from_slice(b"\\c"),
        },
        'c' => return (j, true),
        '\'' | '"' if flavor != Flavor::Echo => push_char(out, e),
        '?' if flavor == Flavor::AnsiC => out.push(b'?'),
        '0'..='7' if flavor != Flavor::Echo || e == '0' => {
            // echo: `\0` and up to three more; otherwise up to three in all.
            let v = if flavor == Flavor::Echo {
                digits(chars, &mut j, 8, 3).unwrap_or(0)
            } else {
                j = i;
                digits(chars, &mut j, 8, 3).unwrap_or(0)
            };
            out.push((v & 0xff) as u8);
        }
        'x' => match digits(chars, &mut j, 16, 2) {
            Some(v) => out.push(v as u8),
            None => out.extend_from_slice(b"\\x"),
        },
        'u' | 'U' => {
            let max = if e == 'u' { 4 } else { 8 };
            match digits(chars, &mut j, 16, max) {
                Some(v) => match char::from_u32(v) {
                    Some(c) => push_char(out, c),
                    // Not a character (a surrogate, past U+10FFFF): bash
                    // prints the escape as it was written.
                    None => {
                        out.push(b'\\');
                        push_char(out, e);
                        for c in &chars[i + 1..j] {
                            push_char(out, *c);
                        }
                    }
                },
                None => {
                    out.push(b'\\');
                    push_char(out, e);
                }
            }
        }
        other => {
            out.push(b'\\');
            push_char(out, other);
        }
    }
    (j, false)
}

/// Decodes every escape of `s`. Returns the text and whether `\c` asked to
/// stop all output (the text is what came before it).
pub fn decode(s: &str, flavor: Flavor) -> (String, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let (next, stop) = decode_at(&chars, i + 1, flavor, &mut out);
            if stop {
                return (String::from_utf8_lossy(&out).into_owned(), true);
            }
            i = next;
        } else {
            push_char(&mut out, chars[i]);
            i += 1;
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ansi(s: &str) -> String {
        decode(s, Flavor::AnsiC).0
    }

    #[test]
    fn ansi_c_quoting_as_bash() {
        assert_eq!(ansi("a\\tb\\n"), "a\tb\n");
        assert_eq!(ansi("\\u202e"), "\u{202e}");
        assert_eq!(ansi("\\U0001F600"), "\u{1F600}");
        assert_eq!(ansi("\\x41\\101\\u00e9"), "AAé");
        assert_eq!(ansi("\\xe2\\x80\\xae"), "\u{202e}");
        assert_eq!(ansi("\\cA\\c?"), "\x01\x7f");
        assert_eq!(ansi("\\'\\\"\\?"), "'\"?");
        assert_eq!(ansi("\\q\\x"), "\\q\\x");
        assert_eq!(ansi("\\ud800"), "\\ud800");
        assert_eq!(ansi("\\xff"), "\u{fffd}");
    }

    #[test]
    fn echo_and_printf_differ_where_bash_does() {
        assert_eq!(decode("\\0101", Flavor::Echo).0, "A");
        assert_eq!(decode("\\101", Flavor::Echo).0, "\\101");
        assert_eq!(decode("\\101", Flavor::Printf).0, "A");
        assert_eq!(decode("x\\cy", Flavor::Echo), ("x".into(), true));
        assert_eq!(decode("\\q", Flavor::Echo).0, "\\q");
        assert_eq!(decode("\\'", Flavor::Echo).0, "\\'");
    }
}

//! Base64 and base32 as the programs servicelab imitates use them: Go's
//! `encoding/base64` (a Secret's `data`, kubectl's `create secret`, Felix's
//! chain names), Go's `encoding/base32` (kube-proxy's chain names), and the
//! URL-safe unpadded form of a share link. A few dozen lines instead of a
//! general codec crate: the student's page downloads every byte of it, and
//! the decoder here stops where Go's does, so the API server's message
//! names Go's byte (`illegal base64 data at input byte 5`).

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base64.StdEncoding.EncodeToString`.
pub fn base64_encode(bytes: &[u8]) -> String {
    encode64(bytes, STD, true)
}

/// `base64.RawURLEncoding.EncodeToString`.
pub fn base64url_nopad_encode(bytes: &[u8]) -> String {
    encode64(bytes, URL, false)
}

fn encode64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

fn value_of(alphabet: &[u8; 64], c: u8) -> Option<u32> {
    alphabet.iter().position(|&a| a == c).map(|p| p as u32)
}

/// `base64.StdEncoding.DecodeString`: the bytes, or the input byte at
/// which Go's decoder reports `CorruptInputError` (line breaks are skipped,
/// as Go skips them).
pub fn base64_decode(text: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut si = 0;
    while si < text.len() {
        // One quantum: up to four characters, as Go's `decodeQuantum`.
        let mut quantum = [0u32; 4];
        let mut len = 4;
        let mut j = 0;
        let mut trailing = None;
        while j < 4 {
            if si == text.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Standard encoding is padded: a short quantum is corrupt.
                return Err(si - j);
            }
            let c = text[si];
            si += 1;
            if let Some(v) = value_of(STD, c) {
                quantum[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                // "==" expected: the second, after any line breaks.
                si += skip_newlines(&text[si..]);
                if si == text.len() {
                    return Err(text.len());
                }
                if text[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            si += skip_newlines(&text[si..]);
            if si < text.len() {
                trailing = Some(si);
            }
            len = j;
            break;
        }
        let v = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
        out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8][..len - 1]);
        if let Some(at) = trailing {
            return Err(at);
        }
    }
    Ok(out)
}

fn skip_newlines(rest: &[u8]) -> usize {
    rest.iter()
        .take_while(|&&c| c == b'\n' || c == b'\r')
        .count()
}

/// `base64.RawURLEncoding.DecodeString`, for a share link: `None` when it
/// is not that encoding.
pub fn base64url_nopad_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut v = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            v |= value_of(URL, c)? << (18 - 6 * i);
        }
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        let n = chunk.len() - 1;
        // The bits a short quantum leaves over must be zero.
        if bytes[n..].iter().any(|&b| b != 0) && n < 3 {
            return None;
        }
        out.extend_from_slice(&bytes[..n]);
    }
    Some(out)
}

/// `base32.StdEncoding.EncodeToString`.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let v = b.iter().fold(0u64, |v, &x| v << 8 | u64::from(x));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(BASE32[(v >> (35 - 5 * i) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_go_does() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
        assert_eq!(base64url_nopad_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_nopad_encode(b"fo"), "Zm8");
        // RFC 4648's test vectors.
        assert_eq!(base32_encode(b"f"), "MY======");
        assert_eq!(base32_encode(b"fo"), "MZXQ====");
        assert_eq!(base32_encode(b"foo"), "MZXW6===");
        assert_eq!(base32_encode(b"foob"), "MZXW6YQ=");
        assert_eq!(base32_encode(b"fooba"), "MZXW6YTB");
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn decodes_and_fails_where_go_does() {
        assert_eq!(base64_decode(b"Zm9vYmFy"), Ok(b"foobar".to_vec()));
        assert_eq!(base64_decode(b"Zg=="), Ok(b"f".to_vec()));
        assert_eq!(base64_decode(b"Zm8="), Ok(b"fo".to_vec()));
        assert_eq!(base64_decode(b"Zm9v\nYmFy\r\n"), Ok(b"foobar".to_vec()));
        assert_eq!(base64_decode(b""), Ok(vec![]));
        // Go: illegal base64 data at input byte …
        assert_eq!(base64_decode(b"hello!"), Err(5));
        assert_eq!(base64_decode(b"AAA"), Err(0));
        assert_eq!(base64_decode(b"AAAAA"), Err(4));
        assert_eq!(base64_decode(b"Zg="), Err(3));
        assert_eq!(base64_decode(b"Zg=x"), Err(2));
        assert_eq!(base64_decode(b"Z==="), Err(1));
        assert_eq!(base64_decode(b"Zg==Zg=="), Err(4));
        assert_eq!(base64_decode(b"secret value"), Err(6));
    }

    #[test]
    fn url_form_round_trips() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let text = base64url_nopad_encode(&bytes);
            assert_eq!(base64url_nopad_decode(text.as_bytes()), Some(bytes));
        }
        assert_eq!(base64url_nopad_decode(b"Zm8"), Some(b"fo".to_vec()));
        assert_eq!(base64url_nopad_decode(b"Zm9"), None, "trailing bits set");
        assert_eq!(base64url_nopad_decode(b"Z"), None);
        assert_eq!(base64url_nopad_decode(b"Zm8="), None);
        assert_eq!(base64url_nopad_decode(b"a+b/"), None);
    }
}

//! A zip archive of a few files, stored uncompressed: what the authors'
//! page hands an author who publishes a course from the browser (a whole
//! site, to unzip and serve anywhere). Stored, not deflated: the site's
//! largest file is wasm that a static server compresses anyway, and a
//! writer this small can be read at a glance (PKWARE's APPNOTE 4.3:
//! local headers, then the central directory, then its end record).

/// CRC-32 (IEEE 802.3, reflected), as zip wants it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for b in bytes {
        crc = table[((crc ^ u32::from(*b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Why an archive cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// Zip without its 64-bit extension counts in 32 bits.
    TooLarge,
    /// A name that would unpack outside its folder, or none at all.
    BadName(String),
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipError::TooLarge => {
                f.write_str("the site is too large for a zip archive (over 4 GiB)")
            }
            ZipError::BadName(n) => write!(f, "`{n}` is not a name a site can have"),
        }
    }
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The archive of `files` (path inside the archive, bytes), in order.
pub fn archive(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipError> {
    // 1980-01-01 00:00, zip's first day: the site is not dated.
    const TIME: u16 = 0;
    const DATE: u16 = (1 << 5) | 1;
    let mut out = vec![];
    let mut central = vec![];
    for (name, bytes) in files {
        let bad = name.is_empty()
            || name.starts_with('/')
            || name.contains('\\')
            || name.split('/').any(|p| p == ".." || p.is_empty());
        if bad {
            return Err(ZipError::BadName(name.clone()));
        }
        let size = u32::try_from(bytes.len()).map_err(|_| ZipError::TooLarge)?;
        let offset = u32::try_from(out.len()).map_err(|_| ZipError::TooLarge)?;
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::BadName(name.clone()))?;
        let crc = crc32(bytes);
        // Local file header.
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20); // version needed: 2.0
        u16le(&mut out, 1 << 11); // flags: names are UTF-8
        u16le(&mut out, 0); // stored
        u16le(&mut out, TIME);
        u16le(&mut out, DATE);
        u32le(&mut out, crc);
        u32le(&mut out, size);
        u32le(&mut out, size);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(bytes);
        // Its central directory entry.
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, (3 << 8) | 20); // made by: Unix, 2.0
        u16le(&mut central, 20);
        u16le(&mut central, 1 << 11);
        u16le(&mut central, 0);
        u16le(&mut central, TIME);
        u16le(&mut central, DATE);
        u32le(&mut central, crc);
        u32le(&mut central, size);
        u32le(&mut central, size);
        u16le(&mut central, name_len);
        u16le(&mut central, 0); // extra
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0o100644 << 16); // a regular file, rw-r--r--
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let count = u16::try_from(files.len()).map_err(|_| ZipError::TooLarge)?;
    let start = u32::try_from(out.len()).map_err(|_| ZipError::TooLarge)?;
    let length = u32::try_from(central.len()).map_err(|_| ZipError::TooLarge)?;
    out.extend_from_slice(&central);
    // End of central directory.
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, length);
    u32le(&mut out, start);
    u16le(&mut out, 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads an archive back through its central directory, as unzip does.
    fn read(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let le16 = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
        let le32 = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
        let end = zip.len() - 22;
        assert_eq!(le32(end), 0x0605_4b50);
        let count = le16(end + 10);
        let mut at = le32(end + 16);
        let mut out = vec![];
        for _ in 0..count {
            assert_eq!(le32(at), 0x0201_4b50);
            let crc = le32(at + 16) as u32;
            let size = le32(at + 24);
            let name_len = le16(at + 28);
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            let local = le32(at + 42);
            assert_eq!(le32(local), 0x0403_4b50);
            let data = local + 30 + le16(local + 26) + le16(local + 28);
            let bytes = zip[data..data + size].to_vec();
            assert_eq!(crc32(&bytes), crc, "{name}");
            out.push((name, bytes));
            at += 46 + name_len;
        }
        out
    }

    #[test]
    fn crc32_is_zips() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn an_archive_reads_back_as_written() {
        let files = vec![
            ("site/index.html".to_string(), b"<html></html>".to_vec()),
            ("site/author/index.html".to_string(), vec![]),
            (
                "site/app_bg.wasm".to_string(),
                (0..=255u8).cycle().take(70_000).collect(),
            ),
        ];
        let zip = archive(&files).unwrap();
        assert_eq!(read(&zip), files);
    }

    #[test]
    fn a_name_that_leaves_its_folder_is_refused() {
        for bad in ["../x", "/etc/passwd", "a//b", "", "a\\b"] {
            assert_eq!(
                archive(&[(bad.to_string(), vec![])]),
                Err(ZipError::BadName(bad.to_string()))
            );
        }
    }
}

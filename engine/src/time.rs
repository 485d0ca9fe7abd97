//! Simulated time. The engine never reads a clock: a session's clock starts at
//! a fixed instant and only moves when a command takes time (a connect timeout
//! costs 130 simulated seconds and no real ones).

/// Simulated milliseconds: an instant (since the session started;
/// negative before it, as the cluster's own objects were made) or a
/// duration. The engine's one time type: the session's clock, the
/// cluster's, conntrack's timers and every timeout are counted in it.
pub type Millis = i64;

/// A count of milliseconds worked out in unsigned arithmetic (from a
/// packet's round trip in microseconds, a random delay) as [`Millis`].
pub fn millis(ms: u64) -> Millis {
    Millis::try_from(ms).unwrap_or(Millis::MAX)
}

/// Unix time (seconds) at which every simulation starts: Thu, 26 Nov 2026 09:00:00 GMT.
pub const EPOCH_UNIX: u64 = 1_795_683_600;

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment of the simulated wall clock, broken down (UTC), and every way
/// the tools print one. The one date formatter of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub unix: u64,
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 is Thursday (1 Jan 1970 was one): an index into the day names.
    weekday: usize,
}

impl DateTime {
    /// The moment `unix` seconds after 1970.
    pub fn at_unix(unix: u64) -> DateTime {
        let days = unix / 86_400;
        let secs = unix % 86_400;
        let (year, month, day) = civil_from_days(days as i64);
        DateTime {
            unix,
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
            weekday: (days % 7) as usize,
        }
    }

    /// The moment `ms` simulated milliseconds after the session started
    /// (negative: before it, as the cluster's own objects were made).
    pub fn at(ms: i64) -> DateTime {
        DateTime::at_unix((EPOCH_UNIX as i64 + ms.div_euclid(1000)).max(0) as u64)
    }

    pub fn month_name(&self) -> &'static str {
        MONTHS[(self.month as usize + 11) % 12]
    }

    pub fn weekday_name(&self) -> &'static str {
        WEEKDAYS[self.weekday]
    }

    /// `Thu, 26 Nov 2026 09:00:00 GMT` (HTTP's `Date:`).
    pub fn http(&self) -> String {
        format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            self.weekday_name(),
            self.day,
            self.month_name(),
            self.year,
            self.hour,
            self.minute,
            self.second
        )
    }

    /// `Thu Nov 26 09:00:00 2026` (C's `asctime`, as `last` and
    /// `iptables-save` print it).
    pub fn asctime(&self) -> String {
        format!(
            "{} {} {:>2} {:02}:{:02}:{:02} {}",
            self.weekday_name(),
            self.month_name(),
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.year
        )
    }

    /// `2026-11-26T09:00:00Z` (Kubernetes' timestamps).
    pub fn rfc3339(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `date +FORMAT`'s conversions.
    pub fn strftime(&self, fmt: &str) -> String {
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('m') => out.push_str(&format!("{:02}", self.month)),
                Some('d') => out.push_str(&format!("{:02}", self.day)),
                Some('e') => out.push_str(&format!("{:>2}", self.day)),
                Some('H') => out.push_str(&format!("{:02}", self.hour)),
                Some('M') => out.push_str(&format!("{:02}", self.minute)),
                Some('S') => out.push_str(&format!("{:02}", self.second)),
                Some('T') => out.push_str(&format!(
                    "{:02}:{:02}:{:02}",
                    self.hour, self.minute, self.second
                )),
                Some('F') => {
                    out.push_str(&format!("{}-{:02}-{:02}", self.year, self.month, self.day))
                }
                Some('s') => out.push_str(&self.unix.to_string()),
                Some('a') => out.push_str(self.weekday_name()),
                Some('b') | Some('h') => out.push_str(self.month_name()),
                Some('Z') => out.push_str("UTC"),
                Some('z') => out.push_str("+0000"),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('%') => out.push('%'),
                Some(o) => {
                    out.push('%');
                    out.push(o);
                }
                None => out.push('%'),
            }
        }
        out
    }
}

/// Formats a Unix timestamp as an HTTP date (`Thu, 26 Nov 2026 09:00:00 GMT`).
pub fn http_date(unix: u64) -> String {
    DateTime::at_unix(unix).http()
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_the_documented_instant() {
        assert_eq!(http_date(EPOCH_UNIX), "Thu, 26 Nov 2026 09:00:00 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_732_636_500), "Tue, 26 Nov 2024 15:55:00 GMT");
    }

    #[test]
    fn every_form_of_one_moment() {
        let t = DateTime::at(61_000);
        assert_eq!(t.asctime(), "Thu Nov 26 09:01:01 2026");
        assert_eq!(t.rfc3339(), "2026-11-26T09:01:01Z");
        assert_eq!(
            t.strftime("%a %b %e %H:%M:%S %Z %Y|%F %T|%s"),
            "Thu Nov 26 09:01:01 UTC 2026|2026-11-26 09:01:01|1795683661"
        );
        assert_eq!(
            DateTime::at(-10 * 86_400_000).rfc3339(),
            "2026-11-16T09:00:00Z"
        );
    }
}

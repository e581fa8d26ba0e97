//! XEP-0203: Delayed Delivery — <https://xmpp.org/extensions/xep-0203.html>.
//! Offline messages and room history carry the time they were sent;
//! history shows that time.
//!
//! A `<delay/>` is believed only when the entity that added it (its
//! `from`) is one that may: our own server or account for offline storage,
//! the room for its history. A sender's own `<delay/>` would let anyone
//! backdate a message or, dated in the future, keep it at the bottom of a
//! conversation and move a room's `<history since>` past everything. A
//! stamp in the future is clamped to now.

use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::date::DateTime;
use tokio_xmpp::parsers::delay::Delay;

/// `stamp` in ms since the epoch. Elsewhere a time in whole seconds means
/// "some time within this second" (Prosody dates so, and such a stamp is
/// placed by arrival); a stamp given to a fraction of a second that
/// happens to fall on the second (ejabberd's `.000369`) must not be taken
/// for one, so it is moved 1 ms on.
pub fn millis(stamp: &DateTime) -> i64 {
    let ms = stamp.0.timestamp_millis();
    if ms % 1000 == 0 && stamp.0.timestamp_subsec_nanos() != 0 {
        ms + 1
    } else {
        ms
    }
}

/// The original send time in ms since the epoch, from a `<delay/>` added by
/// one of `trusted`; `now_ms` when there is none.
pub fn stamp_ms(payloads: &[Element], trusted: &[&Jid], now_ms: i64) -> i64 {
    stamp_ms_by(payloads, |from| trusted.contains(&from), now_ms)
}

/// `stamp_ms`, with `trusted` deciding who may have added the `<delay/>`.
pub fn stamp_ms_by(payloads: &[Element], trusted: impl Fn(&Jid) -> bool, now_ms: i64) -> i64 {
    payloads
        .iter()
        .filter(|p| p.is("delay", "urn:xmpp:delay"))
        .filter_map(|p| Delay::try_from(p.clone()).ok())
        .find(|d| d.from.as_ref().is_some_and(&trusted))
        .map(|d| millis(&d.stamp).min(now_ms))
        .unwrap_or(now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delay(from: Option<&str>, stamp: &str) -> Element {
        let from = from.map(|f| format!(" from='{f}'")).unwrap_or_default();
        format!("<delay xmlns='urn:xmpp:delay'{from} stamp='{stamp}'/>")
            .parse()
            .unwrap()
    }

    #[test]
    fn only_a_trusted_delay_dates_a_message_and_never_in_the_future() {
        let server: Jid = "example.org".parse().unwrap();
        let now = 1_700_000_000_000; // 2023-11-14T22:13:20Z
        let past = "2023-11-14T10:00:00Z";
        let past_ms = 1_699_956_000_000;
        assert_eq!(
            stamp_ms(&[delay(Some("example.org"), past)], &[&server], now),
            past_ms
        );
        // Added by the sender, or by nobody named: not believed.
        assert_eq!(
            stamp_ms(
                &[delay(Some("mallory@evil.example"), past)],
                &[&server],
                now
            ),
            now
        );
        assert_eq!(stamp_ms(&[delay(None, past)], &[&server], now), now);
        // The trusted one is found among others.
        let both = [
            delay(Some("mallory@evil.example"), "2001-01-01T00:00:00Z"),
            delay(Some("example.org"), past),
        ];
        assert_eq!(stamp_ms(&both, &[&server], now), past_ms);
        // From the future: now.
        assert_eq!(
            stamp_ms(
                &[delay(Some("example.org"), "2099-01-01T00:00:00Z")],
                &[&server],
                now
            ),
            now
        );
    }

    #[test]
    fn a_fine_stamp_on_the_second_is_not_taken_for_a_whole_second_one() {
        let server: Jid = "example.org".parse().unwrap();
        let now = 1_800_000_000_000;
        let at = |stamp| stamp_ms(&[delay(Some("example.org"), stamp)], &[&server], now);
        // Prosody: whole seconds, "some time within it".
        assert_eq!(at("2023-11-14T10:00:00Z"), 1_699_956_000_000);
        // ejabberd: microseconds; one in a thousand falls on the second.
        assert_eq!(at("2023-11-14T10:00:00.000369Z"), 1_699_956_000_001);
        assert_eq!(at("2023-11-14T10:00:00.250Z"), 1_699_956_000_250);
    }
}

//! XEP-0203: Delayed Delivery — <https://xmpp.org/extensions/xep-0203.html>.
//! Offline messages carry the time they were sent; history shows that time.

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::delay::Delay;

/// The original send time in ms since the epoch, if the message has one.
pub fn stamp_ms(payloads: &[Element]) -> Option<i64> {
    payloads
        .iter()
        .filter(|p| p.is("delay", "urn:xmpp:delay"))
        .find_map(|p| Delay::try_from(p.clone()).ok())
        .map(|d| d.stamp.0.timestamp_millis())
}

//! The process's logger: `RUST_LOG` as usual (default `info`), except that
//! tokio-xmpp's trace output never gets through. At trace level it prints
//! every byte of the stream and every parser event, SASL exchanges and
//! password fields included; what Hearth needs to see of the wire is in
//! the XML console, which redacts them.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct WithoutWireTrace(env_logger::Logger);

/// Whether a record may be written at all, whatever `RUST_LOG` asks for.
fn allowed(metadata: &Metadata<'_>) -> bool {
    !(metadata.level() == Level::Trace && metadata.target().starts_with("tokio_xmpp"))
}

impl Log for WithoutWireTrace {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        allowed(metadata) && self.0.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if allowed(record.metadata()) {
            self.0.log(record);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Install the logger (once, at start-up).
pub fn init() {
    let logger =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).build();
    let max: LevelFilter = logger.filter();
    if log::set_boxed_logger(Box::new(WithoutWireTrace(logger))).is_ok() {
        log::set_max_level(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(level: Level, target: &str) -> Metadata<'_> {
        Metadata::builder().level(level).target(target).build()
    }

    #[test]
    fn the_wire_never_reaches_the_log() {
        assert!(!allowed(&meta(
            Level::Trace,
            "tokio_xmpp::xmlstream::capture"
        )));
        assert!(!allowed(&meta(Level::Trace, "tokio_xmpp")));
        assert!(allowed(&meta(Level::Debug, "tokio_xmpp::stanzastream")));
        assert!(allowed(&meta(Level::Trace, "hearth::session")));
    }
}

//! Hearth's integration tests, in one binary (each binary links WebKitGTK,
//! so fourteen of them cost minutes of linking): the core driven through
//! the same `App` API the window uses, against real Prosody and ejabberd
//! servers that each test starts on free loopback ports.

mod support;

mod amendments;
mod bookmarks;
mod certificates;
mod chat;
mod chat_states;
mod connection_security;
mod connection_settings;
mod console;
mod contacts;
mod crash;
mod hostile;
mod keychain;
mod live_without_ids;
mod logs;
mod markers;
mod moderation;
mod muc;
mod muc_admin;
mod password_change;
mod registration;
mod replies;
mod resume;
mod room_directory;
mod room_sync;
mod sasl;
mod search;
mod session;
mod sync;

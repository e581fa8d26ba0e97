//! The XML console shows the traffic after login, never a password.

use crate::support::{password, Client, Kind, Server};
use hearth::connection::{ConsoleDirection, ConsoleEntry};
use hearth::session::SessionEvent;

fn lines(events: &[SessionEvent]) -> Vec<ConsoleEntry> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Console(l) => Some(l.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

async fn console_shows_stanzas_both_ways_and_redacts_passwords(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    alice.app.set_console_open(true).await;
    alice.login(&server).await;
    // A password change typed into the console: sent, but shown redacted.
    alice
        .app
        .send_raw(
            "<iq xmlns='jabber:client' type='set' id='pw1'><query xmlns='jabber:iq:register'>\
             <username>alice</username><password>n3w-s3cret</password></query></iq>",
        )
        .await
        .unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::Console(l)
                if l.iter()
                    .any(|c| c.direction == ConsoleDirection::In && c.xml.contains("pw1")) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    // A room password in a direct invitation's attribute, and a room
    // secret in a configuration form, both sent to ourselves so they come
    // back In as well as going Out.
    alice
        .raw_exchange(
            "<message xmlns='jabber:client' to='alice@localhost' id='inv1'>\
             <x xmlns='jabber:x:conference' jid='team@conference.localhost' password='open-sesame'/></message>",
            "id='inv1'",
        )
        .await;
    alice
        .raw_exchange(
            "<message xmlns='jabber:client' to='alice@localhost' id='form1'><x xmlns='jabber:x:data' type='submit'>\
             <field var='muc#roomconfig_roomsecret'><value>r00m-secret</value></field></x></message>",
            "id='form1'",
        )
        .await;
    let all = lines(&alice.seen);
    let text: String = all.iter().map(|c| c.xml.as_str()).collect();
    assert!(
        all.iter()
            .any(|c| c.direction == ConsoleDirection::Out && c.xml.contains("<presence")),
        "{text}"
    );
    assert!(
        all.iter()
            .any(|c| c.direction == ConsoleDirection::In && c.xml.contains("jabber:iq:roster")),
        "{text}"
    );
    assert!(text.contains("[redacted]"), "{text}");
    for secret in [
        password("alice"),
        "n3w-s3cret".to_string(),
        "open-sesame".into(),
        "r00m-secret".into(),
        "YWxpY2U".into(),
    ] {
        assert!(!text.contains(&secret), "console shows {secret}");
    }
    assert!(!text.contains("<auth"), "SASL reached the console");

    // Closed: nothing more is recorded, going out or coming in.
    alice.app.set_console_open(false).await;
    let mut bob = Client::new(&server, "bob");
    bob.login(&server).await;
    alice
        .app
        .send_message("bob@localhost", "note to bob")
        .await
        .unwrap();
    // Written by alice's session (where it would be recorded) before bob
    // has it; and a line recorded is announced before any message after it.
    bob.received("note to bob").await;
    alice.handled_from(&bob).await;
    let all = lines(&alice.seen);
    assert!(
        !all.iter()
            .any(|c| c.xml.contains("note to bob") || c.xml.contains("barrier")),
        "{all:?}"
    );
}

crate::on_both_servers!(console_shows_stanzas_both_ways_and_redacts_passwords,);

//! Displayed markers (XEP-0333) against the scripted server: the contact's
//! marker makes our messages read and nobody else's does; our other
//! device's marker reads the conversation here; ours go only to contacts,
//! once per message.

use tokio_xmpp::parsers::message::{Message, MessageType};
use tokio_xmpp::Stanza;

use super::{Scripted, ACCOUNT, BOUND};
use crate::features::xep0333_chat_markers::{self, NS};
use crate::session::event::{ReadElsewhere, SessionEvent};
use crate::store::{DeliveryState, MessageDirection};

const BOB: &str = "bob@example.org";

/// Send `body` to bob through the session; the id the stanza went out with.
async fn say_to_bob(s: &mut Scripted, body: &str) -> String {
    s.handle.send_message(BOB, body).await.unwrap();
    let out = s
        .next_out(|st| matches!(st, Stanza::Message(m) if m.bodies.values().any(|b| b == body)))
        .await;
    let Stanza::Message(m) = out else {
        unreachable!()
    };
    assert!(
        m.payloads.iter().any(|p| p.is("markable", NS)),
        "our messages ask to be marked"
    );
    m.id.unwrap().0
}

fn marker(from: &str, id: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='{from}' to='{BOUND}'>\
           <displayed xmlns='{NS}' id='{id}'/></message>"
    )
}

fn markable(from: &str, id: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' id='{id}' from='{from}' to='{BOUND}'>\
           <body>{body}</body><markable xmlns='{NS}'/></message>"
    )
}

async fn bob_is_a_contact(s: &mut Scripted) {
    s.send(&format!(
        "<iq xmlns='jabber:client' type='set' id='push1'>\
           <query xmlns='jabber:iq:roster'><item jid='{BOB}' subscription='both'/></query></iq>"
    ))
    .await;
    s.event(|e| matches!(e, SessionEvent::Roster(items) if items.iter().any(|i| i.jid == BOB)))
        .await;
}

/// The next marker the session sends.
async fn marker_out(s: &mut Scripted) -> Message {
    let out = s
        .next_out(|st| matches!(st, Stanza::Message(m) if xep0333_chat_markers::displayed_id(m).is_some()))
        .await;
    let Stanza::Message(m) = out else {
        unreachable!()
    };
    m
}

#[tokio::test]
async fn the_contacts_marker_reads_our_messages_and_nobody_elses_does() {
    let mut s = Scripted::online().await;
    let first = say_to_bob(&mut s, "first").await;
    let second = say_to_bob(&mut s, "second").await;

    // Eve names our second message to bob; bob names one we never sent.
    s.send(&marker("eve@evil.example/x", &second)).await;
    s.send(&marker(&format!("{BOB}/phone"), "not-ours")).await;
    s.barrier().await;
    // Bob has seen the first one.
    s.send(&marker(&format!("{BOB}/phone"), &first)).await;
    let SessionEvent::MessagesRead(read) = s
        .event(|e| matches!(e, SessionEvent::MessagesRead(_)))
        .await
    else {
        unreachable!()
    };
    let history = s.history(BOB).await;
    let state_of = |body: &str| history.iter().find(|m| m.body == body).unwrap().state;
    assert_eq!(read.peer, BOB);
    assert_eq!(
        read.ids,
        [history.iter().find(|m| m.body == "first").unwrap().id],
        "the first event is bob's, and only for what he saw"
    );
    assert_eq!(state_of("first"), DeliveryState::Read);
    assert_ne!(
        state_of("second"),
        DeliveryState::Read,
        "eve cannot mark it"
    );

    // His marker for the second covers it too.
    s.send(&marker(&format!("{BOB}/laptop"), &second)).await;
    s.event(|e| matches!(e, SessionEvent::MessagesRead(r) if r.ids.len() == 1))
        .await;
    let history = s.history(BOB).await;
    assert!(history
        .iter()
        .filter(|m| m.direction == MessageDirection::Out)
        .all(|m| m.state == DeliveryState::Read));
}

#[tokio::test]
async fn markers_go_once_to_contacts_only_and_another_device_of_ours_reads_here_too() {
    let mut s = Scripted::online().await;
    bob_is_a_contact(&mut s).await;
    s.send(&markable(&format!("{BOB}/phone"), "b1", "seen?"))
        .await;
    s.send(&markable("eve@evil.example/x", "e1", "who am I?"))
        .await;
    s.added().await;

    // Eve is no contact: she learns nothing.
    assert!(!s.handle.mark_displayed("eve@evil.example").await.unwrap());
    assert!(s.handle.mark_displayed(BOB).await.unwrap());
    let sent = marker_out(&mut s).await;
    assert_eq!(
        sent.to.as_ref().map(|t| t.to_string()).as_deref(),
        Some(BOB)
    );
    assert_eq!(sent.type_, MessageType::Chat);
    assert_eq!(
        xep0333_chat_markers::displayed_id(&sent).as_deref(),
        Some("b1")
    );
    // Once per message.
    assert!(!s.handle.mark_displayed(BOB).await.unwrap());

    // Bob writes again; our phone shows it and says so: read here too, up
    // to that message, and this device has nothing left to mark.
    s.send(&markable(&format!("{BOB}/phone"), "b2", "and now?"))
        .await;
    s.send(&format!(
        "<message xmlns='jabber:client' from='{ACCOUNT}' to='{BOUND}'>\
           <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
           <message xmlns='jabber:client' type='chat' from='{ACCOUNT}/phone' to='{BOB}'>\
           <displayed xmlns='{NS}' id='b2'/></message></forwarded></sent></message>"
    ))
    .await;
    let SessionEvent::ReadElsewhere(ReadElsewhere { peer, until_ms }) = s
        .event(|e| matches!(e, SessionEvent::ReadElsewhere(_)))
        .await
    else {
        unreachable!()
    };
    let stored = s.history(BOB).await;
    let b2 = stored.iter().find(|m| m.body == "and now?").unwrap();
    assert_eq!((peer.as_str(), until_ms), (BOB, b2.timestamp));
    assert!(!s.handle.mark_displayed(BOB).await.unwrap());

    // A forged "sent" carbon is not our device.
    s.send(&format!(
        "<message xmlns='jabber:client' from='eve@evil.example' to='{BOUND}'>\
           <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
           <message xmlns='jabber:client' type='chat' from='{ACCOUNT}/phone' to='{BOB}'>\
           <displayed xmlns='{NS}' id='b2'/></message></forwarded></sent></message>"
    ))
    .await;
    s.barrier().await;
    s.history(BOB).await;
    while let Ok(e) = s.events.try_recv() {
        assert!(!matches!(e, SessionEvent::ReadElsewhere(_)), "{e:?}");
    }
    s.send(&markable(&format!("{BOB}/phone"), "b3", "still there?"))
        .await;
    while !s.added().await.iter().any(|m| m.body == "still there?") {}
    assert!(s.handle.mark_displayed(BOB).await.unwrap());
    let sent = marker_out(&mut s).await;
    assert_eq!(
        xep0333_chat_markers::displayed_id(&sent).as_deref(),
        Some("b3")
    );
}

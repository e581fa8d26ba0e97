//! Presence sharing against the scripted server: a contact added with
//! sharing is approved when they ask; one added without waits for the
//! user like anyone; a push that takes our view of them away shows them
//! offline at once.

use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::presence::{Presence, Type as PresenceType};
use tokio_xmpp::Stanza;

use super::{Scripted, ACCOUNT};
use crate::session::event::SessionEvent;

const BOB: &str = "bob@example.org";

/// Add bob through the session, answering its roster set; whether the
/// presence that went out with it let him see ours.
async fn add_bob(s: &mut Scripted, share: bool) -> bool {
    let handle = s.handle.clone();
    let added = tokio::spawn(async move { handle.add_contact(BOB, None, vec![], share).await });
    let set = s
        .next_out(|st| matches!(st, Stanza::Iq(Iq::Set { .. })))
        .await;
    let Stanza::Iq(Iq::Set { id, .. }) = set else {
        unreachable!()
    };
    s.send(&format!(
        "<iq xmlns='jabber:client' type='result' id='{id}'/>"
    ))
    .await;
    added.await.unwrap().unwrap();
    // As a server does: the new item pushed, waiting for bob's answer.
    s.send(&format!(
        "<iq xmlns='jabber:client' type='set' id='push-bob'><query xmlns='jabber:iq:roster'>\
           <item jid='{BOB}' subscription='none' ask='subscribe'/></query></iq>"
    ))
    .await;
    // What went to bob up to the barrier after the add.
    let mut told = Vec::new();
    s.send(
        "<iq xmlns='jabber:client' type='get' id='after-add' from='example.org'>\
           <ping xmlns='urn:xmpp:ping'/></iq>",
    )
    .await;
    while let Stanza::Presence(p) = s
        .next_out(|st| {
            matches!(st, Stanza::Presence(_))
                || matches!(st, Stanza::Iq(Iq::Result { id, .. }) if id == "after-add")
        })
        .await
    {
        told.push(p.type_);
    }
    assert!(told.contains(&PresenceType::Subscribe), "{told:?}");
    told.contains(&PresenceType::Subscribed)
}

fn subscribe_from_bob() -> String {
    format!("<presence xmlns='jabber:client' type='subscribe' from='{BOB}/phone' to='{ACCOUNT}'/>")
}

#[tokio::test]
async fn a_contact_added_with_sharing_is_approved_when_they_ask() {
    let mut s = Scripted::online().await;
    assert!(
        add_bob(&mut s, true).await,
        "sharing lets him see us at once"
    );
    s.send(&subscribe_from_bob()).await;
    let approved = s
        .next_out(|st| matches!(st, Stanza::Presence(p) if p.type_ == PresenceType::Subscribed))
        .await;
    let Stanza::Presence(Presence { to, .. }) = approved else {
        unreachable!()
    };
    assert_eq!(to.map(|t| t.to_string()).as_deref(), Some(BOB));
    assert!(s.handle.roster().await.requests.jids.is_empty());
}

#[tokio::test]
async fn a_contact_added_without_sharing_waits_for_the_user_like_anyone() {
    let mut s = Scripted::online().await;
    assert!(
        !add_bob(&mut s, false).await,
        "nothing shared behind the user's back"
    );
    s.send(&subscribe_from_bob()).await;
    s.event(|e| matches!(e, SessionEvent::SubscriptionRequests(r) if r.jids == [BOB]))
        .await;
    // His roster item exists, yet nothing approved him.
    s.send(
        "<iq xmlns='jabber:client' type='get' id='look' from='example.org'>\
           <ping xmlns='urn:xmpp:ping'/></iq>",
    )
    .await;
    let next = s
        .next_out(|st| {
            matches!(st, Stanza::Presence(p) if p.type_ == PresenceType::Subscribed)
                || matches!(st, Stanza::Iq(Iq::Result { id, .. }) if id == "look")
        })
        .await;
    assert!(
        matches!(next, Stanza::Iq(_)),
        "approved without asking: {next:?}"
    );
}

#[tokio::test]
async fn a_push_that_takes_a_contacts_presence_away_shows_them_offline() {
    let mut s = Scripted::online().await;
    s.send(
        "<iq xmlns='jabber:client' type='set' id='p1'><query xmlns='jabber:iq:roster'>\
           <item jid='bob@example.org' subscription='both'/></query></iq>",
    )
    .await;
    s.send("<presence xmlns='jabber:client' from='bob@example.org/phone'/>")
        .await;
    s.event(|e| matches!(e, SessionEvent::Presence(l) if l.iter().any(|c| c.jid == BOB && !c.resources.is_empty())))
        .await;
    // No unavailable presence follows (as some servers do): the push alone.
    s.send(
        "<iq xmlns='jabber:client' type='set' id='p2'><query xmlns='jabber:iq:roster'>\
           <item jid='bob@example.org' subscription='from'/></query></iq>",
    )
    .await;
    s.event(|e| matches!(e, SessionEvent::Presence(l) if l.iter().any(|c| c.jid == BOB && c.resources.is_empty())))
        .await;
    assert!(s
        .handle
        .roster()
        .await
        .presences
        .iter()
        .all(|p| p.jid != BOB));
}

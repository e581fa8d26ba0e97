//! History sync against the scripted server: carbons are enabled where
//! offered, and catch-up reads the account's archive page by page, from
//! where the last session stopped.

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::Stanza;

use super::{disco, with_point, Scripted, ACCOUNT, BOUND};
use crate::session::event::SessionEvent;
use crate::store::{Database, SyncPoint};

const MAM: &str = "urn:xmpp:mam:2";
const RSM: &str = "http://jabber.org/protocol/rsm";

/// The next archive query: its IQ id, queryid and RSM `<set/>`.
async fn archive_query(s: &mut Scripted) -> (String, String, Element) {
    let q = s
        .next_out(
            |st| matches!(st, Stanza::Iq(Iq::Set { payload, .. }) if payload.is("query", MAM)),
        )
        .await;
    let Stanza::Iq(Iq::Set {
        id, payload, to, ..
    }) = q
    else {
        unreachable!()
    };
    assert_eq!(to, None, "our own archive is asked at the account");
    let queryid = payload.attr("queryid").unwrap().to_owned();
    let set = payload.get_child("set", RSM).unwrap().clone();
    (id, queryid, set)
}

/// Archive result `id` for `queryid`: `body` from bob, stamped `secs`.
async fn result(s: &mut Scripted, queryid: &str, id: &str, body: &str, secs: u32) {
    s.send(&format!(
        "<message xmlns='jabber:client' to='{BOUND}'>\
           <result xmlns='{MAM}' queryid='{queryid}' id='{id}'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
               <delay xmlns='urn:xmpp:delay' stamp='2026-11-30T10:00:{secs:02}Z'/>\
               <message xmlns='jabber:client' type='chat' from='bob@example.org/phone' \
                 to='{ACCOUNT}' id='m-{id}'><body>{body}</body></message>\
             </forwarded></result></message>"
    ))
    .await;
}

async fn fin(s: &mut Scripted, iq: &str, complete: bool, first: &str, last: &str) {
    s.send(&format!(
        "<iq xmlns='jabber:client' type='result' id='{iq}'>\
           <fin xmlns='{MAM}' complete='{complete}'><set xmlns='{RSM}'>\
             <first index='0'>{first}</first><last>{last}</last></set></fin></iq>"
    ))
    .await;
}

async fn finished(s: &mut Scripted) -> u32 {
    match s
        .event(|e| matches!(e, SessionEvent::HistorySync(h) if !h.running))
        .await
    {
        SessionEvent::HistorySync(h) => {
            assert_eq!(h.problem, None);
            h.messages
        }
        _ => unreachable!(),
    }
}

async fn point(db: &Database) -> Option<SyncPoint> {
    // Writes run in order: once this one ran, those before it are done.
    db.flushed().await.unwrap();
    db.read(|s| s.sync_point(ACCOUNT, ACCOUNT)).await.unwrap()
}

#[tokio::test]
async fn a_new_profile_enables_carbons_and_reads_the_recent_archive_backward() {
    let mut s = Scripted::online().await;
    disco(&mut s, "example.org", &["urn:xmpp:carbons:2"]).await;
    // Carbons first: the archive is asked about once they are on.
    let enable = s
        .next_out(|st| {
            matches!(st, Stanza::Iq(Iq::Set { payload, .. }) if payload.is("enable", "urn:xmpp:carbons:2"))
        })
        .await;
    let Stanza::Iq(Iq::Set { id, .. }) = enable else {
        unreachable!()
    };
    s.send(&format!(
        "<iq xmlns='jabber:client' type='result' id='{id}'/>"
    ))
    .await;
    disco(&mut s, ACCOUNT, &[MAM]).await;

    // No sync point: the newest page first, then the one before it.
    let (iq, q1, set) = archive_query(&mut s).await;
    assert_eq!(
        set.get_child("before", RSM).map(|b| b.text()),
        Some(String::new())
    );
    result(&mut s, &q1, "A2", "second", 2).await;
    result(&mut s, &q1, "A3", "third", 3).await;
    fin(&mut s, &iq, false, "A2", "A3").await;
    let (iq, q2, set) = archive_query(&mut s).await;
    assert_eq!(set.get_child("before", RSM).unwrap().text(), "A2");
    // A result for the finished query is no longer believed.
    result(&mut s, &q1, "X9", "late and forged", 9).await;
    result(&mut s, &q2, "A1", "first", 1).await;
    fin(&mut s, &iq, true, "A1", "A1").await;
    assert_eq!(finished(&mut s).await, 3);

    let bodies: Vec<String> = s
        .history("bob@example.org")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(
        bodies,
        ["first", "second", "third"],
        "in the archive's order"
    );
    assert_eq!(point(&s.db).await.map(|p| p.id).as_deref(), Some("A3"));
}

#[tokio::test]
async fn catch_up_reads_forward_from_where_the_last_session_stopped() {
    let mut s = Scripted::online_with(with_point(ACCOUNT, "A3", 1).await).await;
    disco(&mut s, "example.org", &[]).await;
    disco(&mut s, ACCOUNT, &[MAM]).await;
    let (iq, q1, set) = archive_query(&mut s).await;
    assert_eq!(set.get_child("after", RSM).unwrap().text(), "A3");
    result(&mut s, &q1, "A4", "fourth", 4).await;
    fin(&mut s, &iq, false, "A4", "A4").await;
    let (iq, q2, set) = archive_query(&mut s).await;
    assert_eq!(set.get_child("after", RSM).unwrap().text(), "A4");
    result(&mut s, &q2, "A5", "fifth", 5).await;
    fin(&mut s, &iq, true, "A5", "A5").await;
    assert_eq!(finished(&mut s).await, 2);
    assert_eq!(point(&s.db).await.map(|p| p.id).as_deref(), Some("A5"));

    // Caught up: a live message with our archive's id moves the point.
    s.send(&super::chat(
        "bob@example.org/phone",
        "live",
        &format!("<stanza-id xmlns='urn:xmpp:sid:0' id='A6' by='{ACCOUNT}'/>"),
    ))
    .await;
    // Announced once stored, and the point with it.
    while !s.added().await.iter().any(|m| m.body == "live") {}
    assert_eq!(point(&s.db).await.map(|p| p.id).as_deref(), Some("A6"));
}

#[tokio::test]
async fn an_archive_that_forgot_our_point_is_read_from_its_time() {
    let mut s = Scripted::online_with(with_point(ACCOUNT, "GONE", 1_767_323_045_000).await).await;
    disco(&mut s, "example.org", &[]).await;
    disco(&mut s, ACCOUNT, &[MAM]).await;
    let (iq, _, set) = archive_query(&mut s).await;
    assert_eq!(set.get_child("after", RSM).unwrap().text(), "GONE");
    // The archive expired that message.
    s.send(&format!(
        "<iq xmlns='jabber:client' type='error' id='{iq}'>\
           <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
           </error></iq>"
    ))
    .await;
    // Asked again from the point's time, with no id to start after.
    let q = s
        .next_out(
            |st| matches!(st, Stanza::Iq(Iq::Set { payload, .. }) if payload.is("query", MAM)),
        )
        .await;
    let Stanza::Iq(Iq::Set { id, payload, .. }) = q else {
        unreachable!()
    };
    assert!(payload
        .get_child("set", RSM)
        .unwrap()
        .get_child("after", RSM)
        .is_none());
    let start = payload
        .get_child("x", "jabber:x:data")
        .unwrap()
        .children()
        .find(|f| f.attr("var") == Some("start"))
        .unwrap();
    assert_eq!(
        start.children().next().unwrap().text(),
        "2026-01-02T03:04:05.000Z"
    );
    let queryid = payload.attr("queryid").unwrap().to_owned();
    result(&mut s, &queryid, "A7", "kept", 7).await;
    fin(&mut s, &id, true, "A7", "A7").await;
    assert_eq!(finished(&mut s).await, 1);
    assert_eq!(point(&s.db).await.map(|p| p.id).as_deref(), Some("A7"));
}

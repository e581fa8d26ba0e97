//! Room catch-up and scrolling back against the scripted server: a room
//! that archives is entered without join history and its archive is read
//! page by page from where we stopped; each room's results count only for
//! that room's query; scrolling back asks the archive for what came before
//! the oldest message held.

use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::Stanza;

use super::{disco, with_point, Scripted, ACCOUNT, BOUND};
use crate::session::event::SessionEvent;
use crate::store::{Database, NewMessage};

const MAM: &str = "urn:xmpp:mam:2";
const RSM: &str = "http://jabber.org/protocol/rsm";
const TEAM: &str = "team@rooms.example.org";
const OPS: &str = "ops@rooms.example.org";

/// Start joining `room` as "me"; the join's answer is not awaited.
fn join(s: &Scripted, room: &str) {
    let handle = s.handle.clone();
    let room = room.to_owned();
    tokio::spawn(async move { handle.join_room(&room, "me", None).await });
}

/// The join presence to `room`: returns its `<history/>`.
async fn join_presence(s: &mut Scripted, room: &str) -> Element {
    let to = format!("{room}/me");
    let p = s
        .next_out(|st| {
            matches!(st, Stanza::Presence(p) if p.to.as_ref().is_some_and(|t| t.to_string() == to))
        })
        .await;
    let Stanza::Presence(p) = p else {
        unreachable!()
    };
    let x = p
        .payloads
        .iter()
        .find(|e| e.is("x", "http://jabber.org/protocol/muc"))
        .expect("a MUC join");
    x.get_child("history", "http://jabber.org/protocol/muc")
        .expect("history asked for")
        .clone()
}

/// The room lets us in (our own presence, status 110).
async fn let_in(s: &mut Scripted, room: &str) {
    s.send(&format!(
        "<presence xmlns='jabber:client' from='{room}/me' to='{BOUND}'>\
           <x xmlns='http://jabber.org/protocol/muc#user'>\
             <item affiliation='member' role='participant'/><status code='110'/></x></presence>"
    ))
    .await;
}

/// The next archive query sent to `archive` (`None`: our account): its IQ
/// id, queryid and whole `<query/>`.
async fn archive_query(s: &mut Scripted, archive: Option<&str>) -> (String, String, Element) {
    let archive = archive.map(str::to_owned);
    let q = s
        .next_out(|st| {
            matches!(st, Stanza::Iq(Iq::Set { payload, to, .. })
                if payload.is("query", MAM) && to.as_ref().map(|t| t.to_string()) == archive)
        })
        .await;
    let Stanza::Iq(Iq::Set { id, payload, .. }) = q else {
        unreachable!()
    };
    let queryid = payload.attr("queryid").unwrap().to_owned();
    (id, queryid, payload)
}

fn rsm(query: &Element, name: &str) -> Option<String> {
    query
        .get_child("set", RSM)
        .and_then(|s| s.get_child(name, RSM))
        .map(|e| e.text())
}

/// A result from `archive` (`from` attribute as written) for `queryid`:
/// bob's room message `body`, archived as `id`.
async fn room_result(
    s: &mut Scripted,
    from: &str,
    room: &str,
    queryid: &str,
    id: &str,
    body: &str,
) {
    s.send(&format!(
        "<message xmlns='jabber:client' {from} to='{BOUND}'>\
           <result xmlns='{MAM}' queryid='{queryid}' id='{id}'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
               <delay xmlns='urn:xmpp:delay' stamp='2026-11-30T10:00:00Z'/>\
               <message xmlns='jabber:client' type='groupchat' from='{room}/bob' \
                 id='m-{id}'><body>{body}</body></message>\
             </forwarded></result></message>"
    ))
    .await;
}

async fn fin(s: &mut Scripted, from: &str, iq: &str, complete: bool, first: &str, last: &str) {
    s.send(&format!(
        "<iq xmlns='jabber:client' type='result' id='{iq}' {from}>\
           <fin xmlns='{MAM}' complete='{complete}'><set xmlns='{RSM}'>\
             <first index='0'>{first}</first><last>{last}</last></set></fin></iq>"
    ))
    .await;
}

/// Wait until a message with `body` has been stored and announced.
async fn until_added(s: &mut Scripted, body: &str) {
    while !s.added().await.iter().any(|m| m.body == body) {}
}

async fn bodies(s: &Scripted, peer: &str) -> Vec<String> {
    s.history(peer).await.into_iter().map(|m| m.body).collect()
}

async fn point(db: &Database, archive: &str) -> Option<String> {
    db.flushed().await.unwrap();
    let archive = archive.to_owned();
    db.read(move |s| s.sync_point(ACCOUNT, &archive))
        .await
        .unwrap()
        .map(|p| p.id)
}

#[tokio::test]
async fn a_room_that_archives_is_read_forward_from_its_point_without_join_history() {
    let mut s = Scripted::online_with(with_point(TEAM, "R3", 1).await).await;
    join(&s, TEAM);
    disco(&mut s, TEAM, &["http://jabber.org/protocol/muc", MAM]).await;
    let history = join_presence(&mut s, TEAM).await;
    assert_eq!(history.attr("maxstanzas"), Some("0"), "no join history");
    let_in(&mut s, TEAM).await;

    let from = format!("from='{TEAM}'");
    let (iq, q1, query) = archive_query(&mut s, Some(TEAM)).await;
    assert_eq!(rsm(&query, "after").as_deref(), Some("R3"));
    room_result(&mut s, &from, TEAM, &q1, "R4", "fourth").await;
    room_result(&mut s, &from, TEAM, &q1, "R5", "fifth").await;
    fin(&mut s, &from, &iq, false, "R4", "R5").await;
    let (iq, q2, query) = archive_query(&mut s, Some(TEAM)).await;
    assert_eq!(rsm(&query, "after").as_deref(), Some("R5"));
    // The finished query's results are no longer believed, nor any for
    // this query from another room or from our own account.
    room_result(&mut s, &from, TEAM, &q1, "X1", "late").await;
    room_result(&mut s, &format!("from='{OPS}'"), OPS, &q2, "X2", "from ops").await;
    room_result(&mut s, "", TEAM, &q2, "X3", "from our account").await;
    room_result(&mut s, &from, TEAM, &q2, "R6", "sixth").await;
    fin(&mut s, &from, &iq, true, "R6", "R6").await;
    until_added(&mut s, "sixth").await;
    assert_eq!(bodies(&s, TEAM).await, ["fourth", "fifth", "sixth"]);
    assert_eq!(point(&s.db, TEAM).await.as_deref(), Some("R6"));

    // Caught up: a live message with the room's id moves the room's point,
    // and the same message again from the archive is not stored twice.
    s.send(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{TEAM}/bob' to='{BOUND}'>\
           <body>live</body><stanza-id xmlns='urn:xmpp:sid:0' id='R7' by='{TEAM}'/></message>"
    ))
    .await;
    until_added(&mut s, "live").await;
    assert_eq!(point(&s.db, TEAM).await.as_deref(), Some("R7"));
    assert_eq!(bodies(&s, TEAM).await, ["fourth", "fifth", "sixth", "live"]);
}

#[tokio::test]
async fn rooms_catch_up_side_by_side_each_believing_only_its_own_results() {
    let mut s = Scripted::online().await;
    join(&s, TEAM);
    disco(&mut s, TEAM, &[MAM]).await;
    join_presence(&mut s, TEAM).await;
    join(&s, OPS);
    disco(&mut s, OPS, &[MAM]).await;
    join_presence(&mut s, OPS).await;
    let_in(&mut s, TEAM).await;
    // A room we hold nothing of: its newest page, read backward.
    let (team_iq, team_q, query) = archive_query(&mut s, Some(TEAM)).await;
    assert_eq!(rsm(&query, "before").as_deref(), Some(""));
    assert_eq!(rsm(&query, "max").as_deref(), Some("50"));
    let_in(&mut s, OPS).await;
    let (ops_iq, ops_q, _) = archive_query(&mut s, Some(OPS)).await;

    // Ops answers while team's query is still open.
    let (team, ops) = (format!("from='{TEAM}'"), format!("from='{OPS}'"));
    room_result(&mut s, &ops, OPS, &ops_q, "O1", "ops one").await;
    // Team's archive answering ops' query, and ops' answering team's.
    room_result(&mut s, &team, TEAM, &ops_q, "X1", "team in ops' query").await;
    room_result(&mut s, &ops, OPS, &team_q, "X2", "ops in team's query").await;
    fin(&mut s, &ops, &ops_iq, true, "O1", "O1").await;
    room_result(&mut s, &team, TEAM, &team_q, "T1", "team one").await;
    fin(&mut s, &team, &team_iq, false, "T1", "T1").await;
    until_added(&mut s, "team one").await;

    assert_eq!(bodies(&s, OPS).await, ["ops one"]);
    assert_eq!(bodies(&s, TEAM).await, ["team one"]);
    assert_eq!(point(&s.db, OPS).await.as_deref(), Some("O1"));
    assert_eq!(point(&s.db, TEAM).await.as_deref(), Some("T1"));
}

#[tokio::test]
async fn a_room_without_an_archive_gets_history_since_what_we_hold() {
    let mut s = Scripted::online().await;
    join(&s, TEAM);
    disco(&mut s, TEAM, &["http://jabber.org/protocol/muc"]).await;
    let history = join_presence(&mut s, TEAM).await;
    assert_eq!(history.attr("maxstanzas"), Some("50"), "a first join");
}

#[tokio::test]
async fn scrolling_back_asks_the_archive_before_the_oldest_message_held() {
    let db = Database::in_memory().unwrap();
    let held = NewMessage {
        peer: "bob@example.org".into(),
        direction: crate::store::MessageDirection::In,
        kind: crate::store::MessageKind::Chat,
        message_id: None,
        origin_id: None,
        stanza_id: Some(("A5".into(), ACCOUNT.into())),
        body: "held".into(),
        subject: None,
        timestamp: 1_796_032_800_000, // 2026-11-30T10:00:00Z
        state: crate::store::DeliveryState::Received,
        sender: None,
        reply: None,
        unstyled: false,
        occupant_id: None,
    };
    db.write(move |s| s.insert_messages(ACCOUNT, &[held]))
        .await
        .unwrap();
    let mut s = Scripted::online_with(db).await;
    disco(&mut s, "example.org", &[]).await;
    disco(&mut s, ACCOUNT, &[MAM]).await;
    // (the catch-up query that follows is left unanswered)
    archive_query(&mut s, None).await;

    let handle = s.handle.clone();
    let fetch = tokio::spawn(async move { handle.fetch_older("bob@example.org").await });
    let (iq, q, query) = archive_query(&mut s, None).await;
    assert_eq!(rsm(&query, "before").as_deref(), Some("A5"));
    let with = query
        .get_child("x", "jabber:x:data")
        .unwrap()
        .children()
        .find(|f| f.attr("var") == Some("with"))
        .map(|f| f.children().next().unwrap().text());
    assert_eq!(with.as_deref(), Some("bob@example.org"));
    for (id, body) in [("A3", "third"), ("A4", "fourth")] {
        s.send(&format!(
            "<message xmlns='jabber:client' to='{BOUND}'>\
               <result xmlns='{MAM}' queryid='{q}' id='{id}'>\
                 <forwarded xmlns='urn:xmpp:forward:0'>\
                   <delay xmlns='urn:xmpp:delay' stamp='2026-11-30T10:00:00Z'/>\
                   <message xmlns='jabber:client' type='chat' from='bob@example.org/phone' \
                     to='{ACCOUNT}' id='m-{id}'><body>{body}</body></message>\
                 </forwarded></result></message>"
        ))
        .await;
    }
    fin(&mut s, "", &iq, true, "A3", "A4").await;
    let page = fetch.await.unwrap().unwrap();
    let got: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(got, ["third", "fourth"]);
    assert!(page.complete, "the archive has nothing older");
    // Stored before what was held, although stamped the same second.
    assert_eq!(
        bodies(&s, "bob@example.org").await,
        ["third", "fourth", "held"]
    );
    // The answer is the page, not news: nothing was announced as new.
    s.barrier().await;
    while let Ok(e) = s.events.try_recv() {
        assert!(
            !matches!(e, SessionEvent::MessagesAdded { .. }),
            "announced as new: {e:?}"
        );
    }
}

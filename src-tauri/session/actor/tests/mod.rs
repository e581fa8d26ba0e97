//! The actor against a scripted server. The stream runs over an in-memory
//! pipe; the test plays the server (stream header, features, resource
//! binding, then the stanzas it chooses) and reads what the actor sends
//! back. No network and no server process: the intake's rules, checked
//! through the same code a real connection runs.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::io::{duplex, BufStream, DuplexStream};
use tokio::sync::mpsc;
use tokio_xmpp::jid::Jid;
use tokio_xmpp::minidom::Element;
use tokio_xmpp::parsers::iq::Iq;
use tokio_xmpp::parsers::message::Message;
use tokio_xmpp::parsers::presence::Presence;
use tokio_xmpp::parsers::stream_features::StreamFeatures;
use tokio_xmpp::stanzastream::Connection;
use tokio_xmpp::xmlstream::{
    accept_stream, initiate_stream, StreamHeader, Timeouts, XmlStream, XmppStreamElement,
};
use tokio_xmpp::Stanza;

mod contacts;
mod markers;
mod room_sync;
mod sync;

use super::{start_on, Reconnect, SessionConfig};
use crate::connection::{ConnectionSecurity, SaslPolicy, ServerAddress};
use crate::session::event::SessionEvent;
use crate::session::SessionHandle;
use crate::store::{ChatMessage, Database, MessageDirection};

const ACCOUNT: &str = "me@example.org";
const BOUND: &str = "me@example.org/desk";
/// Longest wait for something the actor should do at once.
const PATIENCE: Duration = Duration::from_secs(5);

type ServerStream = XmlStream<BufStream<DuplexStream>, XmppStreamElement>;

/// The server's end of a running session.
struct Scripted {
    server: ServerStream,
    events: mpsc::UnboundedReceiver<SessionEvent>,
    db: Database,
    handle: SessionHandle,
    barriers: u32,
}

fn timeouts() -> Timeouts {
    Timeouts {
        read_timeout: Duration::from_secs(300),
        response_timeout: Duration::from_secs(300),
    }
}

/// A connector that hands the actor one end of a pipe per connection and
/// the test the other.
fn piped() -> (Reconnect, mpsc::UnboundedReceiver<DuplexStream>) {
    let (servers, accepted) = mpsc::unbounded_channel();
    let connect: Reconnect = Box::new(move |_, slot| {
        let (ours, theirs) = duplex(1 << 16);
        let _ = servers.send(theirs);
        tokio::spawn(async move {
            let header = StreamHeader {
                to: Some("example.org".into()),
                from: None,
                id: None,
            };
            let pending =
                initiate_stream(BufStream::new(ours), "jabber:client", header, timeouts())
                    .await
                    .expect("stream header");
            let (features, stream) = pending.recv_features().await.expect("features");
            let _ = slot.send(Connection {
                stream: stream.box_stream(),
                features,
                identity: BOUND.parse::<Jid>().unwrap(),
            });
        });
    });
    (connect, accepted)
}

fn element(xml: &str) -> Element {
    xml.parse()
        .unwrap_or_else(|e| panic!("bad test XML {xml}: {e}"))
}

fn stanza(xml: &str) -> Stanza {
    let el = element(xml);
    match el.name() {
        "message" => Stanza::Message(Message::try_from(el).unwrap()),
        "presence" => Stanza::Presence(Presence::try_from(el).unwrap()),
        "iq" => Stanza::Iq(Iq::try_from(el).unwrap()),
        other => panic!("not a stanza: {other}"),
    }
}

impl Scripted {
    /// A session that has bound its resource and reports online.
    async fn online() -> Self {
        Self::online_with(Database::in_memory().unwrap()).await
    }

    /// `online`, with the profile's database `db`.
    async fn online_with(db: Database) -> Self {
        let (connect, mut accepted) = piped();
        let (sink, events) = mpsc::unbounded_channel();
        let cfg = SessionConfig {
            jid: ACCOUNT.parse().unwrap(),
            resource: "desk".into(),
            password: "unused".into(),
            address: ServerAddress {
                host: None,
                port: None,
                security: ConnectionSecurity::StartTls,
                proxy: None,
                name_servers: Default::default(),
            },
            pinned: vec![],
            retry_first_attempt: false,
            priority: 0,
            response_timeout: Duration::from_secs(60),
            sasl: SaslPolicy::default(),
            room_quiet_before_ping: Duration::from_secs(3600),
            new_device_history: Default::default(),
        };
        let handle = start_on(cfg, db.clone(), Arc::new(sink), Some(connect));
        let io = accepted.recv().await.expect("the actor connects");
        let accepted = accept_stream(BufStream::new(io), "jabber:client", timeouts())
            .await
            .unwrap();
        let header = StreamHeader {
            from: Some("example.org".into()),
            to: None,
            id: Some("s1".into()),
        };
        let features = StreamFeatures::try_from(element(
            "<features xmlns='http://etherx.jabber.org/streams'>\
               <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></features>",
        ))
        .unwrap();
        let server = accepted
            .send_header(header)
            .await
            .unwrap()
            .send_features::<XmppStreamElement>(&features)
            .await
            .unwrap();
        let mut s = Self {
            server,
            events,
            db,
            handle,
            barriers: 0,
        };
        let bind = s
            .next_out(|st| matches!(st, Stanza::Iq(Iq::Set { .. })))
            .await;
        let Stanza::Iq(Iq::Set { id, .. }) = bind else {
            unreachable!()
        };
        s.send(&format!(
            "<iq xmlns='jabber:client' type='result' id='{id}'>\
               <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{BOUND}</jid></bind></iq>"
        ))
        .await;
        s.event(|e| matches!(e, SessionEvent::State(st) if st.is_online()))
            .await;
        s
    }

    async fn send(&mut self, xml: &str) {
        self.server
            .send(&XmppStreamElement::Stanza(stanza(xml)))
            .await
            .expect("the actor's end is open");
    }

    /// The next stanza the actor sends that `wanted` accepts (others are
    /// skipped: the roster request, presence, bookmark queries at login).
    async fn next_out(&mut self, wanted: impl Fn(&Stanza) -> bool) -> Stanza {
        let read = async {
            loop {
                match self.server.next().await {
                    Some(Ok(XmppStreamElement::Stanza(st))) if wanted(&st) => return st,
                    Some(Ok(_)) => continue,
                    other => panic!("the stream ended: {other:?}"),
                }
            }
        };
        tokio::time::timeout(PATIENCE, read)
            .await
            .expect("the actor did not send the stanza")
    }

    /// The next event `wanted` accepts.
    async fn event(&mut self, wanted: impl Fn(&SessionEvent) -> bool) -> SessionEvent {
        let read = async {
            loop {
                match self.events.recv().await {
                    Some(e) if wanted(&e) => return e,
                    Some(_) => continue,
                    None => panic!("the actor stopped"),
                }
            }
        };
        tokio::time::timeout(PATIENCE, read)
            .await
            .expect("the event did not come")
    }

    /// Everything sent before has been handled: the actor answers a ping
    /// sent after it (stanzas are handled in order).
    async fn barrier(&mut self) {
        self.barriers += 1;
        let id = format!("barrier-{}", self.barriers);
        self.send(&format!(
            "<iq xmlns='jabber:client' type='get' id='{id}' from='example.org'>\
               <ping xmlns='urn:xmpp:ping'/></iq>"
        ))
        .await;
        self.next_out(|st| matches!(st, Stanza::Iq(Iq::Result { id: got, .. }) if *got == id))
            .await;
    }

    /// The messages of the next `MessagesAdded`.
    async fn added(&mut self) -> Vec<ChatMessage> {
        match self
            .event(|e| matches!(e, SessionEvent::MessagesAdded { .. }))
            .await
        {
            SessionEvent::MessagesAdded { messages, .. } => messages,
            _ => unreachable!(),
        }
    }

    async fn history(&self, peer: &str) -> Vec<ChatMessage> {
        // Writes run in order: once this one ran, those before it are done.
        self.db.flushed().await.unwrap();
        let peer = peer.to_owned();
        self.db
            .read(move |s| s.history_page(ACCOUNT, &peer, None, 100))
            .await
            .unwrap()
            .messages
    }
}

/// Answer the disco#info request sent to `to` with `features`.
async fn disco(s: &mut Scripted, to: &str, features: &[&str]) {
    let request = s
        .next_out(|st| {
            matches!(st, Stanza::Iq(Iq::Get { to: Some(t), payload, .. })
                if t.to_string() == to && payload.is("query", "http://jabber.org/protocol/disco#info"))
        })
        .await;
    let Stanza::Iq(Iq::Get { id, .. }) = request else {
        unreachable!()
    };
    let vars: String = features
        .iter()
        .map(|f| format!("<feature var='{f}'/>"))
        .collect();
    s.send(&format!(
        "<iq xmlns='jabber:client' type='result' id='{id}' from='{to}'>\
           <query xmlns='http://jabber.org/protocol/disco#info'>{vars}</query></iq>"
    ))
    .await;
}

/// A profile whose reading of `archive` stopped at `id`, stamped `timestamp`.
async fn with_point(archive: &str, id: &str, timestamp: i64) -> Database {
    let db = Database::in_memory().unwrap();
    let p = crate::store::SyncPoint {
        archive: archive.into(),
        id: id.into(),
        timestamp,
    };
    db.write(move |s| s.insert_messages_to(ACCOUNT, &[], &[p]))
        .await
        .unwrap();
    db
}

fn chat(from: &str, body: &str, extra: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='{from}' to='{BOUND}'>\
           <body>{body}</body>{extra}</message>"
    )
}

#[tokio::test]
async fn a_message_delivered_twice_is_stored_and_announced_once() {
    let mut s = Scripted::online().await;
    let archived = format!("<stanza-id xmlns='urn:xmpp:sid:0' id='A1' by='{ACCOUNT}'/>");
    s.send(&chat("bob@example.org/phone", "once", &archived))
        .await;
    s.send(&chat("bob@example.org/phone", "once", &archived))
        .await;
    s.barrier().await;
    s.send(&chat("bob@example.org/phone", "after", "")).await;
    let mut bodies = Vec::new();
    while !bodies.contains(&"after".to_owned()) {
        bodies.extend(s.added().await.into_iter().map(|m| m.body));
    }
    assert_eq!(bodies, ["once", "after"]);
    let stored: Vec<String> = s
        .history("bob@example.org")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(stored, ["once", "after"]);
}

#[tokio::test]
async fn a_carbon_is_believed_only_from_our_own_account() {
    let mut s = Scripted::online().await;
    let wrap = |outer_from: &str, kind: &str, inner: &str| {
        format!(
            "<message xmlns='jabber:client' {outer_from} to='{BOUND}'>\
               <{kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
               {inner}</forwarded></{kind}></message>"
        )
    };
    // Eve wraps words "from bob" and "from us" in carbons of her own.
    s.send(&wrap(
        "from='eve@evil.example/x'",
        "received",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/phone' \
           to='me@example.org/phone'><body>forged from bob</body></message>",
    ))
    .await;
    s.send(&wrap(
        "from='eve@evil.example'",
        "sent",
        "<message xmlns='jabber:client' type='chat' from='me@example.org/phone' \
           to='bob@example.org'><body>forged from us</body></message>",
    ))
    .await;
    // Our own server's copies of what the phone sent and received.
    s.send(&wrap(
        &format!("from='{ACCOUNT}'"),
        "sent",
        "<message xmlns='jabber:client' type='chat' from='me@example.org/phone' \
           to='bob@example.org'><body>sent from the phone</body></message>",
    ))
    .await;
    s.send(&wrap(
        &format!("from='{ACCOUNT}'"),
        "received",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/laptop' \
           to='me@example.org/phone'><body>received on the phone</body></message>",
    ))
    .await;
    let mut added = Vec::new();
    while added.len() < 2 {
        added.extend(s.added().await);
    }
    let seen: Vec<(&str, MessageDirection, &str)> = added
        .iter()
        .map(|m| (m.peer.as_str(), m.direction, m.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "bob@example.org",
                MessageDirection::Out,
                "sent from the phone"
            ),
            (
                "bob@example.org",
                MessageDirection::In,
                "received on the phone"
            ),
        ]
    );
    assert_eq!(
        s.history("bob@example.org").await.len(),
        2,
        "nothing forged stored"
    );
}

#[tokio::test]
async fn a_roster_push_from_anyone_but_our_account_is_refused() {
    let mut s = Scripted::online().await;
    s.send(
        "<iq xmlns='jabber:client' type='set' id='push1' from='eve@evil.example/x'>\
           <query xmlns='jabber:iq:roster'><item jid='eve@evil.example' subscription='both'/>\
           </query></iq>",
    )
    .await;
    let reply = s
        .next_out(|st| matches!(st, Stanza::Iq(iq) if iq.id() == "push1"))
        .await;
    assert!(
        matches!(&reply, Stanza::Iq(Iq::Error { error, .. })
            if error.defined_condition
                == tokio_xmpp::parsers::stanza_error::DefinedCondition::ServiceUnavailable),
        "{reply:?}"
    );
    // The server's own push (no `from`) is applied and acknowledged.
    s.send(
        "<iq xmlns='jabber:client' type='set' id='push2'>\
           <query xmlns='jabber:iq:roster'><item jid='bob@example.org' name='Bob' \
           subscription='both'/></query></iq>",
    )
    .await;
    let reply = s
        .next_out(|st| matches!(st, Stanza::Iq(iq) if iq.id() == "push2"))
        .await;
    assert!(matches!(reply, Stanza::Iq(Iq::Result { .. })), "{reply:?}");
    let SessionEvent::Roster(items) = s.event(|e| matches!(e, SessionEvent::Roster(_))).await
    else {
        unreachable!()
    };
    let jids: Vec<&str> = items.iter().map(|i| i.jid.as_str()).collect();
    assert_eq!(jids, ["bob@example.org"], "eve is not in the roster");
}

#[tokio::test]
async fn requests_are_answered_from_the_feature_registry() {
    let mut s = Scripted::online().await;
    s.send(
        "<iq xmlns='jabber:client' type='get' id='d1' from='bob@example.org/phone'>\
           <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    )
    .await;
    let Stanza::Iq(Iq::Result {
        to,
        payload: Some(info),
        ..
    }) = s
        .next_out(|st| matches!(st, Stanza::Iq(iq) if iq.id() == "d1"))
        .await
    else {
        panic!("no disco#info result")
    };
    assert_eq!(
        to.map(|t| t.to_string()).as_deref(),
        Some("bob@example.org/phone")
    );
    let mut vars: Vec<&str> = info.children().filter_map(|c| c.attr("var")).collect();
    let mut registered =
        crate::features::registry::disco_features(crate::session::actor::registration::features());
    vars.sort_unstable();
    registered.sort_unstable();
    assert_eq!(vars, registered);
    s.send(
        "<iq xmlns='jabber:client' type='get' id='l1' from='bob@example.org/phone'>\
           <query xmlns='jabber:iq:last'/></iq>",
    )
    .await;
    let reply = s
        .next_out(|st| matches!(st, Stanza::Iq(iq) if iq.id() == "l1"))
        .await;
    assert!(matches!(reply, Stanza::Iq(Iq::Error { .. })), "{reply:?}");
}

#[tokio::test]
async fn an_invitation_is_believed_as_mediated_only_from_the_room() {
    let mut s = Scripted::online().await;
    // Bob claims the room invites us "from carol": at most a direct
    // invitation, and this one has no direct form, so nothing is shown.
    s.send(
        "<message xmlns='jabber:client' from='bob@example.org/phone' to='me@example.org'>\
           <x xmlns='http://jabber.org/protocol/muc#user'>\
           <invite from='carol@example.org'/></x></message>",
    )
    .await;
    s.send(
        "<message xmlns='jabber:client' from='team@rooms.example.org' to='me@example.org'>\
           <x xmlns='http://jabber.org/protocol/muc#user'>\
           <invite from='carol@example.org/x'><reason>plans</reason></invite></x></message>",
    )
    .await;
    let SessionEvent::Invitation(invitation) =
        s.event(|e| matches!(e, SessionEvent::Invitation(_))).await
    else {
        unreachable!()
    };
    assert_eq!(invitation.room, "team@rooms.example.org");
    assert_eq!(invitation.from, "carol@example.org");
    assert_eq!(invitation.reason.as_deref(), Some("plans"));
}

#[tokio::test]
async fn an_archive_result_no_query_of_ours_asked_for_is_dropped() {
    let mut s = Scripted::online().await;
    // Even from our own archive's address: we sent no query.
    for from in [
        format!("from='{ACCOUNT}'"),
        "from='bob@example.org'".to_owned(),
    ] {
        s.send(&format!(
            "<message xmlns='jabber:client' {from} to='{BOUND}'>\
               <result xmlns='urn:xmpp:mam:2' queryid='made-up' id='X1'>\
               <forwarded xmlns='urn:xmpp:forward:0'>\
               <delay xmlns='urn:xmpp:delay' stamp='2001-01-01T00:00:00Z'/>\
               <message xmlns='jabber:client' type='chat' from='bob@example.org/phone' \
                 to='{ACCOUNT}'><body>planted in history</body></message>\
               </forwarded></result></message>"
        ))
        .await;
    }
    s.send(&chat("bob@example.org/phone", "live", "")).await;
    let bodies: Vec<String> = s.added().await.into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["live"]);
    let stored: Vec<String> = s
        .history("bob@example.org")
        .await
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(stored, ["live"]);
}

#[tokio::test]
async fn requests_past_the_list_are_counted_and_take_the_place_of_answered_ones() {
    let mut s = Scripted::online().await;
    let asker = |i: usize| format!("stranger{i:03}@elsewhere.example");
    let subscribe = |i: usize| {
        format!(
            "<presence xmlns='jabber:client' type='subscribe' from='{}/x' to='{ACCOUNT}'/>",
            asker(i)
        )
    };
    for i in 0..103 {
        s.send(&subscribe(i)).await;
    }
    // Asking again is still one request.
    s.send(&subscribe(102)).await;
    s.barrier().await;
    let requests = |e: SessionEvent| match e {
        SessionEvent::SubscriptionRequests(r) => r,
        _ => unreachable!(),
    };
    // What the UI is told, and what it reads when it starts.
    let told = requests(
        s.event(|e| matches!(e, SessionEvent::SubscriptionRequests(r) if r.more > 0))
            .await,
    );
    let shown = s.handle.roster().await.requests;
    assert_eq!((shown.jids.len(), shown.more), (100, 3));
    assert_eq!(shown.jids.first(), Some(&asker(0)));
    assert!(!shown.jids.contains(&asker(100)));
    assert!(told.more <= 3, "{}", told.more);

    // Answering one lists the next in its place.
    s.handle
        .answer_subscription(&asker(5), false)
        .await
        .unwrap();
    let shown = requests(
        s.event(
            |e| matches!(e, SessionEvent::SubscriptionRequests(r) if !r.jids.contains(&asker(5))),
        )
        .await,
    );
    assert_eq!((shown.jids.len(), shown.more), (100, 2));
    assert!(shown.jids.contains(&asker(100)));
    // A request withdrawn before it was listed no longer counts.
    s.send(&format!(
        "<presence xmlns='jabber:client' type='unsubscribe' from='{}' to='{ACCOUNT}'/>",
        asker(102)
    ))
    .await;
    let shown = requests(
        s.event(|e| matches!(e, SessionEvent::SubscriptionRequests(r) if r.more < 2))
            .await,
    );
    assert_eq!((shown.jids.len(), shown.more), (100, 1));
}

//! The room browser against a service that pages (XEP-0059), and joining a
//! room that is still locked. Prosody's own MUC lists every room in one
//! answer, so the paging service is the test server's `bots.<domain>`
//! component, answering disco like a large conference service (Openfire
//! pages its room list this way).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use crate::support::Options;
use crate::support::{component, Client, Kind, Server};
use hearth::app::RoomListArgs;
use hearth::error::ErrorCode;

const ROOMS: usize = 60;

/// The value of `attr='…'` (or "…") in `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    for quote in ['\'', '"'] {
        let key = format!(" {name}={quote}");
        if let Some(at) = tag.find(&key) {
            let rest = &tag[at + key.len()..];
            return rest.find(quote).map(|end| &rest[..end]);
        }
    }
    None
}

/// How the fake service behaves, and what it saw.
#[derive(Clone)]
struct Service {
    bots: String,
    rooms: usize,
    /// Whether it pages at the `max` asked for (else: everything at once).
    pages: bool,
    /// The `after` of every items request.
    afters: Arc<Mutex<Vec<Option<String>>>>,
    /// How many disco#info requests reached the rooms.
    infos: Arc<Mutex<usize>>,
}

impl Service {
    fn new(bots: &str, rooms: usize, pages: bool) -> Self {
        Self {
            bots: bots.to_owned(),
            rooms,
            pages,
            afters: Arc::default(),
            infos: Arc::default(),
        }
    }
}

/// Answers disco#items on the service with pages of at most `max` rooms
/// (XEP-0059 `first`/`last`/`count`) and disco#info on each room.
fn serve_rooms(mut s: TcpStream, service: Service) {
    let Service {
        bots,
        rooms,
        pages,
        afters,
        infos,
    } = service;
    let mut reader = s.try_clone().unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending = String::new();
    loop {
        let k = reader.read(&mut buf).unwrap_or(0);
        if k == 0 {
            return;
        }
        pending.push_str(&String::from_utf8_lossy(&buf[..k]));
        while let (Some(start), Some(end)) = (pending.find("<iq"), pending.find("</iq>")) {
            if end < start {
                pending.drain(..start);
                continue;
            }
            let iq: String = pending.drain(..end + 5).collect::<String>()[start..].to_owned();
            let (id, from, to) = (attr(&iq, "id"), attr(&iq, "from"), attr(&iq, "to"));
            let (Some(id), Some(from), Some(to)) = (id, from, to) else {
                continue;
            };
            let reply = if iq.contains("disco#items") {
                let after = iq
                    .split_once("<after>")
                    .and_then(|(_, r)| r.split_once("</after>"))
                    .map(|(a, _)| a.to_owned());
                let max: usize = iq
                    .split_once("<max>")
                    .and_then(|(_, r)| r.split_once("</max>"))
                    .and_then(|(m, _)| m.parse().ok())
                    .filter(|_| pages)
                    .unwrap_or(rooms);
                let first = after
                    .as_deref()
                    .and_then(|a| a.strip_prefix('r'))
                    .and_then(|a| a.split('@').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .map_or(0, |n| n + 1);
                afters.lock().unwrap().push(after);
                let last = (first + max).min(rooms);
                let items: String = (first..last)
                    .map(|i| format!("<item jid='r{i:02}@{bots}' name='Room {i:02}'/>"))
                    .collect();
                format!(
                    "<query xmlns='http://jabber.org/protocol/disco#items'>{items}\
                     <set xmlns='http://jabber.org/protocol/rsm'><first index='{first}'>r{first:02}@{bots}</first>\
                     <last>r{:02}@{bots}</last><count>{rooms}</count></set></query>",
                    last - 1
                )
            } else {
                *infos.lock().unwrap() += 1;
                // The room's own name, as the list gives it.
                let n = to.trim_start_matches('r').split('@').next().unwrap_or("");
                format!(
                    "<query xmlns='http://jabber.org/protocol/disco#info'>\
                     <identity category='conference' type='text' name='Room {n}'/>\
                     <feature var='http://jabber.org/protocol/muc'/></query>"
                )
            };
            let stanza =
                format!("<iq type='result' id='{id}' from='{to}' to='{from}'>{reply}</iq>");
            if s.write_all(stanza.as_bytes()).is_err() {
                return;
            }
        }
    }
}

async fn the_room_browser_pages_through_a_service_that_pages(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            component: true,
            ..Options::on(kind)
        },
    );
    let bots = format!("bots.{}", server.domain);
    let service = Service::new(&bots, ROOMS, true);
    let afters = service.afters.clone();
    let stream = component::connect(&server);
    std::thread::spawn(move || serve_rooms(stream, service));
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;

    let first = alice
        .app
        .list_rooms(RoomListArgs {
            service: Some(bots.clone()),
            after: None,
        })
        .await
        .unwrap();
    assert_eq!(first.rooms.len(), 50);
    assert_eq!(first.rooms[0].jid, format!("r00@{bots}"));
    assert_eq!(first.rooms[0].name.as_deref(), Some("Room 00"));
    assert_eq!(first.next, Some(format!("r49@{bots}")));

    let second = alice
        .app
        .list_rooms(RoomListArgs {
            service: Some(bots.clone()),
            after: first.next.clone(),
        })
        .await
        .unwrap();
    let jids: Vec<_> = second.rooms.iter().map(|r| r.jid.clone()).collect();
    let expected: Vec<_> = (50..ROOMS).map(|i| format!("r{i}@{bots}")).collect();
    assert_eq!(jids, expected);
    assert_eq!(second.next, None, "the last page says so");
    assert_eq!(*afters.lock().unwrap(), [None, Some(format!("r49@{bots}"))]);
}

/// A service that ignores paging and lists 400 rooms at once: Hearth shows
/// them all, but asks only one page's worth of rooms for their details, a
/// few at a time, instead of sending 400 questions at once.
async fn a_service_that_ignores_paging_is_asked_for_one_page_of_details(kind: Kind) {
    let server = Server::start_with(
        &["alice"],
        Options {
            component: true,
            ..Options::on(kind)
        },
    );
    let bots = format!("bots.{}", server.domain);
    let service = Service::new(&bots, 400, false);
    let infos = service.infos.clone();
    let stream = component::connect(&server);
    std::thread::spawn(move || serve_rooms(stream, service));
    let mut alice = Client::new(&server, "alice");
    alice.login(&server).await;
    let page = alice
        .app
        .list_rooms(RoomListArgs {
            service: Some(bots.clone()),
            after: None,
        })
        .await
        .unwrap();
    assert_eq!(page.rooms.len(), 400);
    assert_eq!(*infos.lock().unwrap(), 50);
    assert_eq!(page.rooms[49].name.as_deref(), Some("Room 49"));
    assert_eq!(page.rooms[399].jid, format!("r399@{bots}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_room_still_locked_by_its_creator_is_refused_in_words() {
    let server = Server::start(&["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    bob.login(&server).await;
    // Raw XML goes out only while the XML console is open.
    bob.app.set_console_open(true).await;
    let room = server.room("draft");
    // Bob's other client creates the room and has not configured it yet.
    bob.app
        .send_raw(&format!(
            "<presence to='{room}/Bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>"
        ))
        .await
        .unwrap();
    // Wait until the server holds the room (Bob is its owner).
    let service = room.split('@').nth(1).unwrap().to_owned();
    let exists = format!(
        r#"return prosody.hosts["{service}"].modules.muc.get_room_from_jid("{room}") ~= nil"#
    );
    for _ in 0..50 {
        if server.run_lua(&exists).contains("true") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let refusal = alice.app.join_room(&room, "Alice", None).await.err();
    let refusal = refusal.expect("refused");
    let why = refusal.problem();
    assert_eq!(
        (why.code, why.condition.as_deref()),
        (ErrorCode::RoomJoinRefused, Some("item-not-found"))
    );
    assert!(alice.app.rooms().await.is_empty());
}

crate::on_both_servers!(
    the_room_browser_pages_through_a_service_that_pages,
    a_service_that_ignores_paging_is_asked_for_one_page_of_details,
);

//! Running rooms against a real Prosody: moderation (kick, ban, roles,
//! affiliation lists), configuration through the room's own form,
//! destruction, mediated and direct invitations, and the room browser.

use crate::support::{Client, Kind, Server};
use hearth::app::{InvitationAnswer, InviteArgs, Moderation, RoomListArgs};
use hearth::error::ErrorCode;
use hearth::features::xep0004_data_forms::FormValue;
use hearth::features::xep0045_muc::{Affiliation, Role};
use hearth::session::SessionEvent;

async fn owners_kick_ban_promote_and_keep_lists(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob", "carol", "dave"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    bob.login(&server).await;
    let room = server.room("council");
    alice.app.join_room(&room, "Alice", None).await.unwrap();
    bob.app.join_room(&room, "Bob", None).await.unwrap();

    // Moderator status, seen by the room.
    alice
        .app
        .moderate(Moderation::Role {
            room: room.clone(),
            nick: "Bob".into(),
            role: Role::Moderator,
            reason: None,
        })
        .await
        .unwrap();
    alice
        .wait_event(|e| match e {
            SessionEvent::Occupants(c) => c
                .iter()
                .flat_map(|c| &c.present)
                .any(|o| o.nick == "Bob" && o.role == Role::Moderator)
                .then_some(()),
            _ => None,
        })
        .await;

    // A kick names the reason to the one kicked.
    alice
        .app
        .moderate(Moderation::Role {
            room: room.clone(),
            nick: "Bob".into(),
            role: Role::None,
            reason: Some("cool down".into()),
        })
        .await
        .unwrap();
    let kicked = bob.wait_left(&room).await;
    let reason = kicked.reason.expect("a reason");
    assert_eq!(
        (reason.code, reason.server_text.as_deref()),
        (ErrorCode::RoomKicked, Some("cool down"))
    );

    // A ban removes Bob, keeps him out, and shows on the ban list; so does
    // a ban by address of someone who is not in the room (dave).
    let back = bob.app.join_room(&room, "Bob", None).await.unwrap();
    for (jid, reason) in [("bob@localhost", "spam"), ("dave@localhost", "absent")] {
        alice
            .app
            .moderate(Moderation::Affiliation {
                room: room.clone(),
                jid: jid.into(),
                affiliation: Affiliation::Outcast,
                reason: Some(reason.into()),
            })
            .await
            .unwrap();
    }
    assert_eq!(
        bob.wait_left(&room).await.reason.unwrap().code,
        ErrorCode::RoomBanned
    );
    let mut dave = Client::new(&server, "dave");
    dave.login(&server).await;
    let err = dave.app.join_room(&room, "Dave", None).await.unwrap_err();
    assert_eq!(refusal(&err, &mut bob), "forbidden", "{err}");
    match kind {
        Kind::Prosody => {
            let err = bob.app.join_room(&room, "Bob", None).await.unwrap_err();
            assert_eq!(refusal(&err, &mut bob), "forbidden", "{err}");
        }
        // ejabberd 23.01 remembers the moderator role granted above across
        // the kick (Bob came back a moderator), and a remembered role lets
        // even a banned user in again: a server defect, not Hearth's, so
        // only dave's refusal is checked there.
        Kind::Ejabberd => {
            let bob_then = back.occupants.iter().find(|o| o.nick == "Bob").unwrap();
            assert_eq!(bob_then.role, Role::Moderator, "{back:?}");
        }
    }
    let bans = alice
        .app
        .affiliation_list(&room, Affiliation::Outcast)
        .await
        .unwrap();
    let mut banned: Vec<_> = bans.iter().map(|b| b.jid.as_str()).collect();
    banned.sort();
    assert_eq!(banned, ["bob@localhost", "dave@localhost"]);

    // Members: added by JID, listed, removed.
    alice
        .app
        .moderate(Moderation::Affiliation {
            room: room.clone(),
            jid: "carol@localhost".into(),
            affiliation: Affiliation::Member,
            reason: None,
        })
        .await
        .unwrap();
    let members = alice
        .app
        .affiliation_list(&room, Affiliation::Member)
        .await
        .unwrap();
    assert!(members.iter().any(|m| m.jid == "carol@localhost"));

    // Not an owner: refused in words.
    let carol = Client::new(&server, "carol");
    let mut carol = carol;
    carol.login(&server).await;
    carol.app.join_room(&room, "Carol", None).await.unwrap();
    let err = carol
        .app
        .moderate(Moderation::Affiliation {
            room: room.clone(),
            jid: "alice@localhost".into(),
            affiliation: Affiliation::Outcast,
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RemoteError, "{err}");
    assert!(err.problem().condition.is_some(), "{err}");
}

/// Waits until `client` sees `nick`'s role in `room` become `role`.
async fn role_seen(client: &mut Client, nick: &str, role: Role) {
    client
        .wait_event(|e| match e {
            SessionEvent::Occupants(c) => c
                .iter()
                .flat_map(|c| &c.present)
                .any(|o| o.nick == nick && o.role == role)
                .then_some(()),
            _ => None,
        })
        .await;
}

/// Voice taken and given back in a moderated room, as the occupant sees
/// it; an admin made by the owner can run the member list; a second owner.
async fn voice_admin_and_owner_take_effect(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob", "carol"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    bob.login(&server).await;
    let room = server.room("stage");
    alice.app.join_room(&room, "Alice", None).await.unwrap();
    alice
        .app
        .configure_room(
            &room,
            vec![FormValue {
                var: "muc#roomconfig_moderatedroom".into(),
                values: vec!["1".into()],
            }],
        )
        .await
        .unwrap();
    bob.app.join_room(&room, "Bob", None).await.unwrap();
    for role in [Role::Visitor, Role::Participant] {
        alice
            .app
            .moderate(Moderation::Role {
                room: room.clone(),
                nick: "Bob".into(),
                role,
                reason: None,
            })
            .await
            .unwrap();
        role_seen(&mut bob, "Bob", role).await;
    }

    // Not yet an admin, Bob may not make members; made one, he may.
    let make_carol_member = Moderation::Affiliation {
        room: room.clone(),
        jid: "carol@localhost".into(),
        affiliation: Affiliation::Member,
        reason: None,
    };
    let err = bob
        .app
        .moderate(make_carol_member.clone())
        .await
        .unwrap_err();
    // The room's refusal, with its condition, for the UI to phrase.
    assert_eq!(
        err.problem().condition.as_deref(),
        Some("not-allowed"),
        "{err}"
    );
    alice
        .app
        .moderate(Moderation::Affiliation {
            room: room.clone(),
            jid: "bob@localhost".into(),
            affiliation: Affiliation::Admin,
            reason: None,
        })
        .await
        .unwrap();
    let admins = alice
        .app
        .affiliation_list(&room, Affiliation::Admin)
        .await
        .unwrap();
    assert_eq!(
        admins.iter().map(|a| a.jid.as_str()).collect::<Vec<_>>(),
        ["bob@localhost"]
    );
    bob.app.moderate(make_carol_member).await.unwrap();
    let members = alice
        .app
        .affiliation_list(&room, Affiliation::Member)
        .await
        .unwrap();
    assert!(
        members.iter().any(|m| m.jid == "carol@localhost"),
        "{members:?}"
    );

    // A second owner.
    alice
        .app
        .moderate(Moderation::Affiliation {
            room: room.clone(),
            jid: "carol@localhost".into(),
            affiliation: Affiliation::Owner,
            reason: None,
        })
        .await
        .unwrap();
    let mut owners: Vec<_> = alice
        .app
        .affiliation_list(&room, Affiliation::Owner)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.jid)
        .collect();
    owners.sort();
    assert_eq!(owners, ["alice@localhost", "carol@localhost"]);
}

async fn configuration_form_browser_invitations_and_destroy(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob", "carol"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    let mut carol = Client::new(&server, "carol");
    alice.login(&server).await;
    bob.login(&server).await;
    carol.login(&server).await;
    let room = server.room("plans");
    alice.app.join_room(&room, "Alice", None).await.unwrap();

    // The room's own form, rendered generically, changed and read back.
    let form = alice.app.room_config(&room).await.unwrap();
    assert!(form
        .fields
        .iter()
        .any(|f| f.var.as_deref() == Some("muc#roomconfig_roomname")));
    alice
        .app
        .configure_room(
            &room,
            vec![
                FormValue {
                    var: "muc#roomconfig_roomname".into(),
                    values: vec!["Plans".into()],
                },
                FormValue {
                    var: "muc#roomconfig_roomdesc".into(),
                    values: vec!["Where plans are made".into()],
                },
            ],
        )
        .await
        .unwrap();

    // The browser finds the service and lists the room with its details.
    let page = bob
        .app
        .list_rooms(RoomListArgs {
            service: None,
            after: None,
        })
        .await
        .unwrap();
    let listed = page
        .rooms
        .iter()
        .find(|r| r.jid == room)
        .unwrap_or_else(|| panic!("{page:?}"));
    assert_eq!(listed.name.as_deref(), Some("Plans"));
    assert_eq!(
        listed.description.as_deref(),
        Some("Where plans are made"),
        "{listed:?}"
    );
    assert_eq!(listed.occupants, Some(1));

    // A mediated invitation, accepted.
    alice
        .app
        .invite(InviteArgs {
            room: room.clone(),
            jid: "carol@localhost".into(),
            reason: Some("planning".into()),
            direct: false,
        })
        .await
        .unwrap();
    let invitation = carol.wait_invitation().await;
    assert_eq!(invitation.room, room);
    // The inviter: real JID, or occupant JID in a semi-anonymous room.
    assert!(
        invitation.from == "alice@localhost" || invitation.from == format!("{room}/Alice"),
        "{invitation:?}"
    );
    assert_eq!(invitation.reason.as_deref(), Some("planning"));
    assert!(!invitation.direct);
    let joined = match carol
        .app
        .answer_invitation(InvitationAnswer {
            id: invitation.id,
            accept: Some("Carol".into()),
            reason: None,
        })
        .await
    {
        Ok(Some(joined)) => joined,
        other => panic!(
            "carol could not accept: {other:?}; events: {:#?}",
            carol.seen
        ),
    };
    assert_eq!(joined.nick, "Carol");

    // A direct invitation, declined.
    alice
        .app
        .invite(InviteArgs {
            room: room.clone(),
            jid: "bob@localhost".into(),
            reason: None,
            direct: true,
        })
        .await
        .unwrap();
    let invitation = bob.wait_invitation().await;
    assert!(invitation.direct);
    let declined = bob
        .app
        .answer_invitation(InvitationAnswer {
            id: invitation.id,
            accept: None,
            reason: None,
        })
        .await
        .unwrap();
    assert!(declined.is_none());
    assert!(bob.app.rooms().await.is_empty());

    // Destroyed: Carol is told, and is not put back in on reconnect.
    alice
        .app
        .destroy_room(&room, Some("done".into()))
        .await
        .unwrap();
    let gone = carol.wait_left(&room).await;
    let why = gone.reason.unwrap();
    assert_eq!(
        (why.code, why.server_text.as_deref()),
        (ErrorCode::RoomDestroyed, Some("done"))
    );
    assert!(carol.app.rooms().await.is_empty());
}

async fn password_and_members_only_rooms_refuse_in_words(kind: Kind) {
    let server = Server::start_on(kind, &["alice", "bob"]);
    let mut alice = Client::new(&server, "alice");
    let mut bob = Client::new(&server, "bob");
    alice.login(&server).await;
    bob.login(&server).await;
    let secret = server.room("secret");
    alice.app.join_room(&secret, "Alice", None).await.unwrap();
    alice
        .app
        .configure_room(
            &secret,
            vec![
                FormValue {
                    var: "muc#roomconfig_passwordprotectedroom".into(),
                    values: vec!["1".into()],
                },
                FormValue {
                    var: "muc#roomconfig_roomsecret".into(),
                    values: vec!["open sesame".into()],
                },
            ],
        )
        .await
        .unwrap();
    let err = bob.app.join_room(&secret, "Bob", None).await.unwrap_err();
    assert_eq!(refusal(&err, &mut bob), "not-authorized", "{err}");
    let err = bob
        .app
        .join_room(&secret, "Bob", Some("wrong".into()))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err, &mut bob), "not-authorized", "{err}");
    bob.app
        .join_room(&secret, "Bob", Some("open sesame".into()))
        .await
        .unwrap();

    let club = server.room("club");
    alice.app.join_room(&club, "Alice", None).await.unwrap();
    alice
        .app
        .configure_room(
            &club,
            vec![FormValue {
                var: "muc#roomconfig_membersonly".into(),
                values: vec!["1".into()],
            }],
        )
        .await
        .unwrap();
    let err = bob.app.join_room(&club, "Bob", None).await.unwrap_err();
    assert_eq!(refusal(&err, &mut bob), "registration-required", "{err}");
}

/// The condition a room refused a join with.
fn refusal(err: &hearth::error::HearthError, who: &mut Client) -> String {
    let p = err.problem();
    if p.code != ErrorCode::RoomJoinRefused {
        panic!("{p:?}; events: {}", who.story());
    }
    p.condition.unwrap_or_default()
}

crate::on_both_servers!(
    owners_kick_ban_promote_and_keep_lists,
    voice_admin_and_owner_take_effect,
    configuration_form_browser_invitations_and_destroy,
    password_and_members_only_rooms_refuse_in_words,
);

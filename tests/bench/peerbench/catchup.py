"""Whole-app archive catch-up: the desk was closed while the phone got K messages.

Run by `run.sh REPS K --catchup` (with the peer benchmark's Prosody, Xvfb and
harness, imported from its working copy). Per repetition:

1. a fresh bench Prosody (500 contacts, 20 bookmarked autojoin rooms, MAM);
2. Hearth starts, comes online, joins the rooms, receives one message from bob
   (so the profile knows where the archive stood), settles; idle memory is
   read; Hearth is closed (SIGTERM, which ends the session cleanly);
3. alice's "phone" (slixmpp, another resource) is online while bob sends K
   one-to-one messages and M messages into each room, then both leave: the
   messages are in the account's and the rooms' archives, none offline;
4. Hearth starts again. Measured: start -> online (the catch-up runs after
   it), all 20 rooms joined, the whole process tree's CPU from start until the
   K messages are in its database and the tree is idle, minus the CPU the
   same start cost in step 2 (the catch-up's own share; both are printed),
   idle memory after it against step 2's, and, with --probe, the longest
   main-thread stall of the window while it ran.

One JSON line per repetition in $PB_DIR/results-catchup.jsonl.
"""

import argparse
import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.getcwd())  # run.sh runs this from the harness's copy
import pbdriver as drv  # noqa: E402
import pbmeasure as pm  # noqa: E402

LOREM = 'x' * 140


async def settle(pid, what, res, timeout=180):
    _, idle, rate = await pm.wait_idle(pid, max_wait=timeout)
    res[what + '_idle_reached'] = idle
    res[what + '_idle_cpu_pct'] = round(rate * 100, 2)


def stored(home):
    """Incoming 1:1 rows from bob in Hearth's database (0 while it is not there)."""
    files = [os.path.join(d, 'hearth.sqlite3') for d, _, names in os.walk(home)
             if 'hearth.sqlite3' in names]
    if not files:
        return 0
    try:
        db = sqlite3.connect('file:%s?mode=ro' % files[0], uri=True, timeout=1)
        try:
            return db.execute("SELECT count(*) FROM messages WHERE peer = 'bob@localhost' "
                              "AND direction = 'in'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def by_process(root, measure, digits):
    """`measure(pid)` summed per process name over the tree: the core and the web view apart."""
    out = {}
    for pid in pm.tree(root):
        try:
            with open('/proc/%d/comm' % pid) as f:
                name = f.read().strip()
        except OSError:
            continue
        out[name] = round(out.get(name, 0) + measure(pid), digits)
    return out


def mem_by_process(root):
    """PSS (MiB) of each process of the tree, by name."""
    return by_process(root, lambda pid: pm.tree_mem_single(pid)['pss'], 1)


def cpu_by_process(root):
    """CPU seconds of each process of the tree, by name."""
    return by_process(root, lambda pid: (pm._stat(pid) or {'cpu': 0})['cpu'], 2)


def stalls(log_path, since):
    """Longest main-thread stall (ms) the page reported after byte offset `since`."""
    try:
        with open(log_path, 'rb') as f:
            f.seek(since)
            text = f.read().decode('utf-8', 'replace')
    except OSError:
        return None
    found = [int(m) for m in re.findall(r'ui probe: longest main-thread stall (\d+) ms', text)]
    return max(found) if found else None


async def send_all(bot, stanzas, batch=250):
    for i, xml in enumerate(stanzas):
        bot.send_raw(xml)
        if (i + 1) % batch == 0:
            await bot.server_barrier()
    await bot.server_barrier()


async def observer(rooms):
    """The harness's observer, in every room: it sees alice come online and join."""
    watcher = drv.Bot('watcher', 'observer')
    await watcher.login()
    for n in range(1, rooms + 1):
        await watcher.plugin['xep_0045'].join_muc_wait(drv.JID(drv.room_jid(n)), 'watcher',
                                                       maxstanzas=0, timeout=30)
    return watcher


async def start_desk(a, client, watcher, tag, res, prefix):
    """Start Hearth; its pid once online and in the rooms (None if it never came)."""
    client.tag = tag
    t0 = time.time()
    pid = client.start()
    if not await watcher.wait_alice(a.online_timeout):
        res['error'] = 'not online: ' + tag
        return None
    res[prefix + 'online_s'] = round(watcher.alice_online_at - t0, 3)
    res[prefix + 'rooms_joined'] = await watcher.wait_rooms(a.rooms, 60, settle=10)
    if watcher.alice_rooms:
        res[prefix + 'rooms_s'] = round(max(watcher.alice_rooms.values()) - t0, 3)
    return pid


async def one_rep(a, client, rep):
    res = {'client': 'hearth-catchup', 'rep': rep, 'k': a.k, 'room_messages': a.room_messages,
           'rooms': a.rooms, 'date': time.strftime('%Y-%m-%d %H:%M:%S')}
    r = subprocess.run([os.path.join(pm.HERE, 'prosody-up.sh'), '--rooms', str(a.rooms)],
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError('prosody-up failed: ' + r.stdout[-1500:] + r.stderr[-1500:])
    client.seed()
    watcher = await observer(a.rooms)
    bob = phone = None
    try:
        # ---- 2. the desk's first visit
        pid = await start_desk(a, client, watcher, 'catchup-r%d-first' % rep, res, 'first_')
        if pid is None:
            return res
        bob = drv.Bot('bob', 'driver')
        await bob.login()
        await bob.wait_alice(30)
        bob.send_raw('<message to="alice@localhost" type="chat" id="before"><body>before</body>'
                     '</message>')
        await bob.server_barrier()
        deadline = time.monotonic() + 30
        while stored(client.home) < 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await settle(pid, 'first', res)
        res['first_cpu_s'] = round(pm.tree_cpu(pid), 2)
        res['first_cpu_by_process'] = cpu_by_process(pid)
        res['mem_idle_before'] = pm.tree_mem(pid)
        res['mem_before_by_process'] = mem_by_process(pid)
        client.stop()
        await watcher.disconnect_and_wait()

        # ---- 3. the phone gets what the desk will miss
        phone = drv.Bot('alice', 'phone')
        await phone.login()
        t_send = time.monotonic()
        await send_all(bob, ['<message to="alice@localhost" type="chat" id="c%d"><body>%d/%d %s'
                             '</body></message>' % (i, i + 1, a.k, LOREM) for i in range(a.k)])
        for n in range(1, a.rooms + 1):
            room = drv.JID(drv.room_jid(n))
            await bob.plugin['xep_0045'].join_muc_wait(room, 'bob', maxstanzas=0, timeout=30)
            await send_all(bob, ['<message to="%s" type="groupchat" id="r%d-%d"><body>room %d/%d'
                                 '</body></message>' % (room.bare, n, i, i + 1, a.room_messages)
                                 for i in range(a.room_messages)])
        res['send_s'] = round(time.monotonic() - t_send, 1)
        await phone.disconnect_and_wait()
        await bob.disconnect_and_wait()
        phone = bob = None

        # ---- 4. the desk again
        watcher = await observer(a.rooms)
        tag = 'catchup-r%d' % rep
        log_path = os.path.join(pm.PB_DIR, 'run', 'hearth-%s.log' % tag)
        since = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        t0 = time.time()
        pid = await start_desk(a, client, watcher, tag, res, '')
        if pid is None:
            return res
        deadline = time.monotonic() + a.catchup_timeout
        while stored(client.home) < a.k + 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        res['stored'] = stored(client.home) - 1
        res['stored_s'] = round(time.time() - t0, 2)
        await settle(pid, 'after', res)
        res['cpu_s'] = round(pm.tree_cpu(pid), 2)
        res['cpu_by_process'] = cpu_by_process(pid)
        res['catchup_cpu_s'] = round(res['cpu_s'] - res['first_cpu_s'], 2)
        await asyncio.sleep(5)
        res['mem_idle_after'] = pm.tree_mem(pid)
        res['mem_after_by_process'] = mem_by_process(pid)
        res['mem_growth_mib'] = round(res['mem_idle_after']['pss'] -
                                      res['mem_idle_before']['pss'], 1)
        # And once the page's garbage collector and the heap trim have had time.
        await asyncio.sleep(25)
        res['mem_after_30s'] = mem_by_process(pid)
        res['longest_stall_ms'] = stalls(log_path, since)
        client.capture(os.path.join(pm.PB_DIR, 'shots', 'hearth-catchup-r%d.png' % rep))
    finally:
        client.stop()
        for b in (bob, phone, watcher):
            if b:
                await b.disconnect_and_wait()
    return res


async def main_async(a):
    infra = pm.Infra(a.display)
    infra.up()
    os.makedirs(os.path.join(pm.PB_DIR, 'shots'), exist_ok=True)
    client = pm.Client('hearth', a.display, 'catchup')
    try:
        for rep in range(1, a.reps + 1):
            try:
                res = await one_rep(a, client, rep)
            except Exception as e:  # record it and go on with the next repetition
                res = {'client': 'hearth-catchup', 'rep': rep,
                       'error': '%s: %s' % (type(e).__name__, e)}
                client.stop()
            with open(a.out, 'a') as f:
                f.write(json.dumps(res) + '\n')
            pm.log('RESULT', json.dumps(res))
    finally:
        infra.down()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('-k', type=int, default=10000, help='1:1 messages while the desk is closed')
    ap.add_argument('--room-messages', type=int, default=50, help='per room, while closed')
    ap.add_argument('--rooms', type=int, default=20)
    ap.add_argument('--out', default=os.path.join(pm.PB_DIR, 'results-catchup.jsonl'))
    ap.add_argument('--display', default=os.environ.get('PB_DISPLAY', ':77'))
    ap.add_argument('--online-timeout', type=float, default=120)
    ap.add_argument('--catchup-timeout', type=float, default=600)
    asyncio.run(main_async(ap.parse_args()))


if __name__ == '__main__':
    main()

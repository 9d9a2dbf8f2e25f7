// SPDX-License-Identifier: GPL-2.0-or-later
#include "ckptinfo_notes.h"

#include "bytes.h"
#include "cli.h"
#include "process_records.h"
#include "record_names.h"

#include <fmt/format.h>
#include <linux/major.h>

#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>

namespace crtool {

namespace {

/* The kernel's TCP_ESTABLISHED and TCP_LISTEN states (a connected UDP socket is ESTABLISHED). */
constexpr std::uint16_t tcp_established = 1;
constexpr std::uint16_t tcp_listen = 10;

std::string plural(std::uint64_t n, std::string_view one, std::string_view many)
{
	return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string task_ids_text(const ckpt_task_ids &t)
{
	std::string tgid = t.tgid == t.pid ? "" : fmt::format("  tgid {}", t.tgid);
	std::string text = fmt::format("pid {}{}  ppid {}  pgid {}  sid {}  flags {}", t.pid, tgid,
				       t.ppid, t.pgid, t.sid, cr::task_flags_names(t.flags));
	if (t.flags & CKPT_TASK_ZOMBIE)
		text += fmt::format("  zombie, wait status {:#x}", t.exit_code);
	if (t.flags & CKPT_TASK_CTTY_PTY)
		text += fmt::format("  controlling terminal: pty {}", t.ctty_pty);
	if (t.tty_pgrp)
		text += fmt::format("  terminal's foreground group {}", t.tty_pgrp);
	if (t.flags & CKPT_TASK_STOPPED)
		text += fmt::format(
			"  stopped by {}{}", cr::signal_name(static_cast<int>(t.stop_signal)),
			t.flags & CKPT_TASK_STOP_WAITED ? ", its parent waited for it" : "");
	if (t.uts_ns)
		text += fmt::format("  UTS namespace {}", t.uts_ns);
	if (t.ipc_ns)
		text += fmt::format("  IPC namespace {}", t.ipc_ns);
	return text;
}

/* "namespace obj 3: UTS, first task 7" */
std::string namespace_text(const ckpt_rec_namespace &n)
{
	return fmt::format("namespace obj {}: {}, first task {}", n.objref,
			   cr::namespace_kind_name(n.kind), n.pid);
}

/* 'UTS namespace obj 3: nodename "box"  domainname "(none)"' */
std::string uts_ns_text(const ckpt_rec_uts_ns &u)
{
	return fmt::format("UTS namespace obj {}: nodename \"{}\"  domainname \"{}\"", u.objref,
			   printable(cr::c_string_view(u.nodename)),
			   printable(cr::c_string_view(u.domainname)));
}

/*
 * "IPC namespace obj 4: 2 System V segments, 1 semaphore set", then its
 * limits by their sysctl names, a line for each of kernel.shm*,
 * kernel.msg*, kernel.sem and fs.mqueue.*
 */
void ipc_ns_note(const ckpt_rec_ipc_ns &i, RecordNote &n)
{
	n.text = fmt::format("IPC namespace obj {}: {}, {}", i.objref,
			     plural(i.nr_shm, "System V segment", "System V segments"),
			     plural(i.nr_sem, "semaphore set", "semaphore sets"));
	n.more.push_back(fmt::format("shmmax {}  shmall {}  shmmni {}  shm_rmid_forced {}",
				     i.shm_ctlmax, i.shm_ctlall, i.shm_ctlmni, i.shm_rmid_forced));
	n.more.push_back(fmt::format("msgmax {}  msgmnb {}  msgmni {}", i.msg_ctlmax, i.msg_ctlmnb,
				     i.msg_ctlmni));
	n.more.push_back(fmt::format("sem {} {} {} {}", i.sem_ctls[0], i.sem_ctls[1], i.sem_ctls[2],
				     i.sem_ctls[3]));
	n.more.push_back(fmt::format("mqueue queues_max {}  msg_max {}  msgsize_max {}  "
				     "msg_default {}  msgsize_default {}",
				     i.mq_queues_max, i.mq_msg_max, i.mq_msgsize_max,
				     i.mq_msg_default, i.mq_msgsize_default));
	n.more.push_back(fmt::format("next ids: semaphore sets seq {} last {} cursor {}  "
				     "message queues seq {} last {} cursor {}  "
				     "segments seq {} last {} cursor {}",
				     i.ids[0].seq, i.ids[0].last_idx, i.ids[0].cursor, i.ids[1].seq,
				     i.ids[1].last_idx, i.ids[1].cursor, i.ids[2].seq,
				     i.ids[2].last_idx, i.ids[2].cursor));
}

/* "0x0000abcd", "0x00000000 (IPC_PRIVATE)": a System V key */
std::string sysv_key_text(std::int32_t key)
{
	return fmt::format("{:#010x}{}", static_cast<std::uint32_t>(key),
			   key == 0 ? " (IPC_PRIVATE)" : "");
}

/*
 * "System V segment obj 5: flags NEW  key 0x0000abcd  id 32768  size
 * 8192  mode 0600  owner 1000:1000  creator 1000:1000  cpid 7  lpid 8  2
 * pages written", then its times; "System V segment obj 5: attached
 * again" for a record naming it again (its other fields 0) before a
 * mapping.
 */
void sysv_shm_note(const cr::SysvShmContents &s, RecordNote &n)
{
	const ckpt_rec_sysv_shm &r = s.shm;
	if (r.flags == 0 && r.key == 0 && r.id == 0 && r.uid == 0 && r.gid == 0 && r.cuid == 0 &&
	    r.cgid == 0 && r.mode == 0 && r.cpid == 0 && r.lpid == 0 && r.size == 0 &&
	    r.atime == 0 && r.dtime == 0 && r.ctime == 0 && s.pages == 0) {
		n.text = fmt::format("System V segment obj {}: attached again", r.objref);
		return;
	}
	n.text = fmt::format("System V segment obj {}: flags {}  key {}  id {}  size {}  mode "
			     "{:#o}  owner {}:{}  creator {}:{}  cpid {}  lpid {}",
			     r.objref, cr::sysv_shm_flags_names(r.flags), sysv_key_text(r.key),
			     r.id, r.size, r.mode, r.uid, r.gid, r.cuid, r.cgid, r.cpid, r.lpid);
	if ((r.flags & CKPT_SYSV_SHM_NEW) || s.pages)
		n.text += fmt::format("  {} written", plural(s.pages, "page", "pages"));
	n.more.push_back(fmt::format("atime {}  dtime {}  ctime {}", r.atime, r.dtime, r.ctime));
}

/*
 * "1 0 5": numbers one after the other, the first @max of them when
 * there are more: "1 2 3 ... (16 of 250)".
 */
template <typename T>
std::string numbers_text(const std::vector<T> &numbers, std::size_t max = 16)
{
	std::string text;
	for (std::size_t i = 0; i < numbers.size() && i < max; i++)
		text += fmt::format("{}{}", i ? " " : "", numbers[i]);
	if (numbers.size() > max)
		text += fmt::format(" ... ({} of {})", max, numbers.size());
	return text;
}

/*
 * "System V semaphore set: key 0x0000abcd  id 32768  3 semaphores  mode
 * 0660  owner 1000:1000  creator 1000:100", then its times, its values
 * ("values 1 0 5") and the pids that last changed each ("pids 7 0 7").
 */
void sysv_sem_note(const cr::SysvSemRecord &s, RecordNote &n)
{
	const ckpt_rec_sysv_sem &r = s.sem;
	n.text = fmt::format("System V semaphore set: key {}  id {}  {}  mode {:#o}  owner {}:{}  "
			     "creator {}:{}",
			     sysv_key_text(r.key), r.id, plural(r.nsems, "semaphore", "semaphores"),
			     r.mode, r.uid, r.gid, r.cuid, r.cgid);
	n.more.push_back(fmt::format("otime {}  ctime {}", r.otime, r.ctime));
	std::vector<std::int32_t> values, pids;
	for (const ckpt_sem &sem : s.sems) {
		values.push_back(sem.semval);
		pids.push_back(sem.sempid);
	}
	n.more.push_back("values " + numbers_text(values));
	n.more.push_back("pids " + numbers_text(pids));
}

/* "adjustments of semaphore set 32768 (3 semaphores): 0 -1 3" */
std::string sem_undo_text(const cr::SemUndoRecord &u)
{
	return fmt::format("adjustments of semaphore set {} ({}): {}", u.undo.id,
			   plural(u.undo.nsems, "semaphore", "semaphores"),
			   numbers_text(u.adjustments));
}

std::string task_text(const ckpt_rec_task &t)
{
	std::string text =
		fmt::format("pid {}  comm \"{}\"", t.pid, printable(cr::c_string_view(t.comm)));
	if (t.mm_flags & CKPT_MM_THP_DISABLE)
		text += "  transparent huge pages disabled";
	if (t.mm_flags & CKPT_MM_LOCK_FUTURE)
		text += fmt::format("  future mappings locked (mlockall MCL_FUTURE){}",
				    t.mm_flags & CKPT_MM_LOCK_ONFAULT ? ", on fault" : "");
	return text;
}

/* "1000" when real, effective, saved and fs ids agree, else "1000/0/0/0". */
std::string ids_text(std::uint32_t r, std::uint32_t e, std::uint32_t s, std::uint32_t fs)
{
	if (r == e && r == s && r == fs)
		return std::to_string(r);
	return fmt::format("{}/{}/{}/{}", r, e, s, fs);
}

std::string creds_text(const cr::CredsRecord &c)
{
	if (c.creds.flags & CKPT_CREDS_SHARED)
		return fmt::format("shared: those of objref {}{}", c.creds.objref,
				   c.creds.flags & CKPT_CREDS_NO_NEW_PRIVS ? "  no_new_privs" : "");
	std::string groups;
	for (std::uint32_t g : c.groups)
		groups += fmt::format("{}{}", groups.empty() ? "" : ",", g);
	return fmt::format("uid {}  gid {}  groups {}  cap_eff {:#x}{}",
			   ids_text(c.creds.uid, c.creds.euid, c.creds.suid, c.creds.fsuid),
			   ids_text(c.creds.gid, c.creds.egid, c.creds.sgid, c.creds.fsgid),
			   groups.empty() ? "none" : groups, c.creds.cap_effective,
			   c.creds.flags & CKPT_CREDS_NO_NEW_PRIVS ? "  no_new_privs" : "");
}

std::string cpu_text(const ckpt_rec_cpu_x86_64 &c)
{
	return fmt::format("ip {:#x}  sp {:#x}  xfeatures {:#x}  xsave {} bytes",
			   c.regs[cr::x86_64_ip_reg], c.regs[cr::x86_64_sp_reg], c.xfeatures,
			   c.xsave_size);
}

std::string mm_text(const cr::MmRecord &m)
{
	std::string vdso = m.mm.vdso ? fmt::format("{:#x}", m.mm.vdso) : "none";
	return fmt::format("brk {:#x}-{:#x}  code {:#x}-{:#x}  exe {}  vdso {}", m.mm.start_brk,
			   m.mm.brk, m.mm.start_code, m.mm.end_code, printable(m.exe), vdso);
}

std::string vma_text(const cr::VmaRecord &v)
{
	std::string text =
		fmt::format("{:#x}-{:#x} {} {}  flags {}  pgoff {}", v.vma.start, v.vma.end,
			    cr::prot_rwx(v.vma.prot), cr::vma_kind_name(v.vma.kind),
			    cr::vma_flags_names(v.vma.flags), v.vma.pgoff);
	if (!v.path.empty())
		text += "  " + printable(v.path);
	return text;
}

std::string mapped_file_text(const ckpt_rec_mapped_file &f)
{
	return fmt::format("file of the next mapping: {}, modified at {}.{:09}",
			   plural(f.size, "byte", "bytes"), f.mtime_sec, f.mtime_nsec);
}

std::string shmem_text(const cr::ShmemContents &s)
{
	if (!(s.shmem.flags & CKPT_SHMEM_NEW))
		return fmt::format("shared memory obj {}: mapped again", s.shmem.objref);
	return fmt::format("shared memory obj {}: {} bytes, {} written", s.shmem.objref,
			   s.shmem.size, plural(s.pages, "page", "pages"));
}

/*
 * 'memfd obj 5: flags NEW  size 10000  seals F_SEAL_SHRINK|F_SEAL_GROW  mode 0600
 * name "ring"  3 pages written': a memfd, or "memfd obj 5: mapped again" for
 * a record naming it again (its other fields 0) before a mapping.
 */
std::string memfd_text(const cr::MemfdContents &m)
{
	const ckpt_rec_memfd &r = m.memfd.memfd;
	if (r.flags == 0 && r.size == 0 && r.seals == 0 && r.mode == 0 && r.name_len == 0 &&
	    m.pages == 0)
		return fmt::format("memfd obj {}: mapped again", r.objref);
	std::string text =
		fmt::format("memfd obj {}: flags {}  size {}  seals {}  mode {:#o}  name \"{}\"",
			    r.objref, cr::memfd_flags_names(r.flags), r.size,
			    cr::memfd_seals_names(r.seals), r.mode, printable(m.memfd.name));
	if ((r.flags & CKPT_MEMFD_NEW) || m.pages)
		text += fmt::format("  {} written", plural(m.pages, "page", "pages"));
	return text;
}

/*
 * 'deleted file obj 5: flags NEW  size 10000  mode 0640  path "/tmp/log"  3 pages
 * written': a deleted file, or "deleted file obj 5: mapped again" for a record
 * naming it again (its other fields 0) before a mapping.
 */
std::string deleted_file_text(const cr::DeletedFileContents &d)
{
	const ckpt_rec_deleted_file &r = d.deleted.deleted;
	if (r.flags == 0 && r.size == 0 && r.mode == 0 && r.path_len == 0 && d.pages == 0)
		return fmt::format("deleted file obj {}: mapped again", r.objref);
	std::string text = fmt::format(
		"deleted file obj {}: flags {}  size {}  mode {:#o}  path \"{}\"", r.objref,
		cr::deleted_flags_names(r.flags), r.size, r.mode, printable(d.deleted.path));
	if ((r.flags & CKPT_DELETED_NEW) || d.pages)
		text += fmt::format("  {} written", plural(d.pages, "page", "pages"));
	return text;
}

std::string share_text(const ckpt_rec_share &s)
{
	std::string what = s.kind == CKPT_SHARE_FILES ? "fd table"
			   : s.kind == CKPT_SHARE_FS  ? "fs (cwd, root, umask)"
						     : fmt::format("unknown table kind {}", s.kind);
	if (s.flags & CKPT_SHARE_NEW)
		return fmt::format("{} obj {}: shared with other processes, written here", what,
				   s.objref);
	return fmt::format("{} obj {}: that of a process before", what, s.objref);
}

std::string fs_text(const cr::FsRecord &f)
{
	std::string text = "cwd " + printable(f.cwd);
	if (!f.root.empty())
		text += "  root " + printable(f.root);
	return text;
}

std::string file_text(const cr::FileRecord &f)
{
	std::string text = fmt::format("fd {} {}  flags {}  pos {}", f.file.fd,
				       cr::file_kind_name(f.file.kind),
				       cr::open_flags_names(f.file.f_flags), f.file.pos);
	if (f.file.kind == CKPT_FILE_PIPE || f.file.kind == CKPT_FILE_FIFO)
		text += fmt::format("  pipe {}", f.file.pipe);
	if (f.file.kind == CKPT_FILE_PTY)
		text += fmt::format("  pty {} {}", f.file.pty,
				    f.file.rdev == (TTYAUX_MAJOR << 20 | 2) ? "master" : "slave");
	if (f.file.kind == CKPT_FILE_MEMFD)
		text += fmt::format("  memfd {}", f.file.memfd);
	if (f.file.kind == CKPT_FILE_DELETED)
		text += fmt::format("  deleted {}", f.file.deleted);
	if (f.file.objref)
		text += fmt::format("  obj {}", f.file.objref);
	if (f.file.kind == CKPT_FILE_CHR)
		text += fmt::format("  dev {}:{}", f.file.rdev >> 20, f.file.rdev & 0xfffff);
	if (f.file.fd_flags & CKPT_FD_CLOEXEC)
		text += "  cloexec";
	if (!f.path.empty())
		text += "  " + printable(f.path);
	return text;
}

std::string pty_text(const cr::PtyRecord &p)
{
	return fmt::format("pty {}: index {}  master {}  flags {}  slave owner {}:{} mode {:#o}  "
			   "window {}x{}  input {} for the slave ({} in lines), {} for the master",
			   p.pty.pty, p.pty.index, printable(p.master_path),
			   cr::pty_flags_names(p.pty.flags), p.pty.uid, p.pty.gid, p.pty.mode,
			   p.pty.winsize.ws_col, p.pty.winsize.ws_row, p.pty.to_slave,
			   p.pty.to_slave_lines, p.pty.to_master);
}

std::string lock_text(const ckpt_rec_file_lock &l)
{
	const char *kind = l.kind == CKPT_LOCK_POSIX   ? "POSIX"
			   : l.kind == CKPT_LOCK_OFD   ? "OFD"
			   : l.kind == CKPT_LOCK_FLOCK ? "flock"
						       : "unknown";
	std::string end = l.end == INT64_MAX ? "end" : std::to_string(l.end);
	return fmt::format("{} {} lock on fd {} (obj {}), bytes {}-{}", kind,
			   l.type == F_WRLCK   ? "write"
			   : l.type == F_RDLCK ? "read"
					       : "?",
			   l.fd, l.objref, l.start, end);
}

/*
 * "owner of obj 5 (fd 3): process 123, signal SIGRTMIN+1": the owner of
 * an open file's I/O signals ("none": only a signal of its own) and the
 * signal (SIGIO when the record says 0, F_SETSIG's default)
 */
std::string owner_text(const ckpt_rec_file_owner &o)
{
	std::string owner =
		o.pid ? fmt::format("{} {}", cr::owner_type_name(o.type), o.pid) : "none";
	return fmt::format("owner of obj {} (fd {}): {}, signal {}", o.objref, o.fd, owner,
			   cr::io_signal_name(o.signum));
}

/* "inotify obj 7: next wd 4, 2 watches, 1 queued event  nonblock" */
std::string inotify_text(const cr::InotifyContents &i)
{
	const ckpt_rec_inotify &r = i.instance->rec;
	return fmt::format("inotify obj {}: next wd {}, {}, {}{}", r.objref, r.next_wd,
			   plural(i.watches.size(), "watch", "watches"),
			   plural(i.events.size(), "queued event", "queued events"),
			   r.flags & CKPT_INOTIFY_NONBLOCK ? "  nonblock" : "");
}

/* What a WATCH or EVENT record whose objref no INOTIFY record before names says. */
std::string inotify_orphan_text(const cr::InotifyContents &i)
{
	return i.instance ? "" : fmt::format("  (obj {}: no INOTIFY record before it)", i.objref);
}

/* "wd 1: /tmp/x (IN_CREATE|IN_DELETE)" */
std::string inotify_watch_text(const cr::InotifyWatchRecord &w)
{
	return fmt::format("wd {}: {} ({})", w.watch.wd, printable(w.path),
			   cr::inotify_mask_names(w.watch.mask));
}

/* "event wd 1 IN_CREATE name "a" cookie 0" */
std::string inotify_event_text(const cr::InotifyEventRecord &e)
{
	std::string name = e.name.empty() ? "" : fmt::format(" name \"{}\"", printable(e.name));
	return fmt::format("event wd {} {}{} cookie {}", e.event.wd,
			   cr::inotify_mask_names(e.event.mask), name, e.event.cookie);
}

/* "end obj 5: 3 bytes queued in 1 message, flags nonblock, address @srv" */
std::string unix_end_text(const ckpt_unix_end &e, const std::string &addr)
{
	std::string text = fmt::format(
		"end obj {}: {} queued in {}, flags {}",
		e.objref ? std::to_string(e.objref) : "closed", plural(e.len, "byte", "bytes"),
		plural(e.nr_msgs, "message", "messages"), cr::unix_flags_names(e.flags));
	if (!addr.empty())
		text += ", address " + printable(cr::unix_addr_string(addr));
	return text;
}

/*
 * "UNIX socket obj 9, type 1: address sock, file /srv/sock mode 0755,
 * backlog 16, flags bound listening"; a datagram socket connected one way
 * with ", connected to /dev/log" before its flags
 */
std::string unix_sock_text(const cr::UnixSockRecord &u)
{
	const ckpt_rec_unix_sock &s = u.sock;
	std::string text =
		fmt::format("UNIX socket obj {}, type {}: {}", s.end.objref, s.type,
			    u.addr.empty() ? "no address"
					   : "address " + printable(cr::unix_addr_string(u.addr)));
	if (!u.path.empty() || s.mode)
		text += fmt::format(", file {} mode {:#o}", printable(u.path), s.mode);
	if ((s.end.flags & CKPT_UNIX_LISTENING) || s.backlog)
		text += fmt::format(", backlog {}", s.backlog);
	if (s.peer_len)
		text += ", connected to " + printable(cr::unix_addr_string(u.peer));
	return text + ", flags " + cr::unix_flags_names(s.end.flags);
}

/*
 * "netlink socket obj 7, type raw, protocol route: port 4242, groups 1 5
 * 65, flags bound nonblock ext_ack"; a connected one's destination after
 * its port: "port 4243 -> port 0 group 3"
 */
std::string netlink_sock_text(const cr::NetlinkSockRecord &n)
{
	const ckpt_rec_netlink_sock &s = n.sock;
	std::string text =
		fmt::format("netlink socket obj {}, type {}, protocol {}: ", s.objref,
			    cr::netlink_type_name(s.type), cr::netlink_protocol_name(s.protocol));
	text += (s.flags & CKPT_NETLINK_BOUND) || s.portid ? fmt::format("port {}", s.portid)
							   : "not bound";
	if ((s.flags & CKPT_NETLINK_CONNECTED) || s.dst_portid || s.dst_group)
		text += fmt::format(" -> port {} group {}", s.dst_portid, s.dst_group);
	if (n.groups.empty())
		text += ", no groups";
	else {
		text += ", groups";
		for (std::uint32_t g : n.groups)
			text += fmt::format(" {}", g);
	}
	return text + ", flags " + cr::netlink_flags_names(s.flags);
}

/* The buffers and timeouts a netlink socket was given; empty if none. */
std::string netlink_options_text(const ckpt_rec_netlink_sock &s)
{
	std::string text;
	auto add = [&text](const std::string &what) { text += (text.empty() ? "" : ", ") + what; };
	if (s.flags & CKPT_NETLINK_SNDBUF)
		add(fmt::format("sndbuf {}", s.sndbuf));
	if (s.flags & CKPT_NETLINK_RCVBUF)
		add(fmt::format("rcvbuf {}", s.rcvbuf));
	if (s.sndtimeo_ns)
		add(fmt::format("sndtimeo {} ns", s.sndtimeo_ns));
	if (s.rcvtimeo_ns)
		add(fmt::format("rcvtimeo {} ns", s.rcvtimeo_ns));
	return text.empty() ? text : "socket options: " + text;
}

/* An established TCP connection: its queues are in the record. */
bool is_tcp_established(const ckpt_rec_inet_sock &s)
{
	constexpr std::uint16_t tcp_close_wait = 8; /* its peer closed it: a FIN follows */
	return s.protocol == IPPROTO_TCP &&
	       (s.state == tcp_established || s.state == tcp_close_wait);
}

/*
 * "TCP socket obj 5: IPv4 ESTABLISHED 127.0.0.1:4000 -> 127.0.0.1:38122,
 * send queue 10 bytes from seq 123, receive queue 0 bytes from seq 456,
 * flags reuseaddr nodelay"
 */
std::string inet_sock_text(const ckpt_rec_inet_sock &s)
{
	std::string what =
		s.protocol == IPPROTO_TCP || s.protocol == IPPROTO_UDP
			? cr::inet_protocol_name(s.protocol) + " socket"
			: fmt::format("inet socket of type {} protocol {}", s.type, s.protocol);
	std::string text =
		fmt::format("{} obj {}: {} {} {}", what, s.objref, cr::inet_family_name(s.family),
			    cr::tcp_state_name(s.state),
			    cr::inet_endpoint_string(s.family, s.local.addr, s.local.port));
	if (s.state == tcp_established || s.remote.port)
		text += " -> " + cr::inet_endpoint_string(s.family, s.remote.addr, s.remote.port);
	if (is_tcp_established(s))
		text += fmt::format(", send queue {} from seq {}, receive queue {} from seq {}",
				    plural(s.tcp.send_len, "byte", "bytes"), s.tcp.send_seq,
				    plural(s.tcp.recv_len, "byte", "bytes"), s.tcp.recv_seq);
	if (s.state == tcp_listen)
		text += fmt::format(", backlog {}", s.backlog);
	if (s.nr_dgrams)
		text += fmt::format(", {} queued ({})",
				    plural(s.nr_dgrams, "datagram", "datagrams"),
				    plural(s.dgrams_len, "byte", "bytes"));
	if (s.flags)
		text += ", flags " + cr::inet_flags_names(s.flags);
	return text;
}

/* "tcp: snd_wl1 1 snd_wnd 65535 ..., mss_clamp 1460, wscale 7/7, options sack tstamp, ..." */
std::string inet_tcp_text(const ckpt_inet_tcp &t)
{
	return fmt::format("tcp: snd_wl1 {} snd_wnd {} max_window {} rcv_wnd {} rcv_wup {}, "
			   "mss_clamp {}, wscale {}/{}, options {}, timestamp {}",
			   t.snd_wl1, t.snd_wnd, t.max_window, t.rcv_wnd, t.rcv_wup, t.mss_clamp,
			   t.snd_wscale, t.rcv_wscale, cr::tcp_opts_names(t.opts), t.timestamp);
}

/* The options of the socket that are not the defaults; empty if none is set. */
std::string inet_options_text(const ckpt_rec_inet_sock &s)
{
	std::string text;
	auto add = [&text](const std::string &what) { text += (text.empty() ? "" : ", ") + what; };
	if (s.flags & CKPT_INET_SNDBUF)
		add(fmt::format("sndbuf {}", s.sndbuf));
	if (s.flags & CKPT_INET_RCVBUF)
		add(fmt::format("rcvbuf {}", s.rcvbuf));
	if (s.sndtimeo_ns)
		add(fmt::format("sndtimeo {} ns", s.sndtimeo_ns));
	if (s.rcvtimeo_ns)
		add(fmt::format("rcvtimeo {} ns", s.rcvtimeo_ns));
	if (s.peek_off != -1)
		add(fmt::format("peek_off {}", s.peek_off));
	if (s.priority)
		add(fmt::format("priority {}", s.priority));
	if (s.flags & CKPT_INET_LINGER)
		add(fmt::format("linger {} s", s.linger_sec));
	if (s.tos)
		add(fmt::format("tos {:#x}", s.tos));
	if (s.ttl)
		add(fmt::format("ttl {}", s.ttl));
	if (s.keepidle)
		add(fmt::format("keepidle {} s", s.keepidle));
	if (s.keepintvl)
		add(fmt::format("keepintvl {} s", s.keepintvl));
	if (s.keepcnt)
		add(fmt::format("keepcnt {}", s.keepcnt));
	if (s.user_timeout)
		add(fmt::format("user_timeout {} ms", s.user_timeout));
	if (s.notsent_lowat)
		add(fmt::format("notsent_lowat {}", s.notsent_lowat));
	if (s.congestion[0])
		add("congestion " + printable(cr::c_string_view(s.congestion)));
	return text.empty() ? text : "socket options: " + text;
}

/* The magnitude of @ns, INT64_MIN included. */
std::uint64_t abs_ns(std::int64_t ns)
{
	return ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
}

/* 1500000000 ns as "1.500000000", -250000000 as "-0.250000000". */
std::string seconds_text(std::int64_t ns)
{
	return fmt::format("{}{}.{:09}", ns < 0 ? "-" : "", abs_ns(ns) / 1000000000,
			   abs_ns(ns) % 1000000000);
}

/*
 * "timer 0: CLOCK_MONOTONIC SIGEV_SIGNAL SIGRTMIN+1 value 0x2a, next
 * expiry in 1.500000000 s, every 0.250000000 s, overrun 0 (last 0), armed"
 */
std::string posix_timer_text(const ckpt_posix_timer &t)
{
	std::string text = fmt::format("timer {}: {} {}", t.id, cr::clock_name(t.clockid),
				       cr::sigev_notify_name(t.notify));
	if (t.notify != SIGEV_NONE)
		text += fmt::format(" {} value {:#x}", cr::signal_full_name(t.signo), t.sigval);
	if ((t.notify & SIGEV_THREAD_ID) || t.tid)
		text += fmt::format(" to thread {}", t.tid);
	if (!(t.flags & (CKPT_PTIMER_ARMED | CKPT_PTIMER_SIGPENDING)))
		text += ", disarmed";
	else if (t.flags & CKPT_PTIMER_ABSTIME)
		text += fmt::format(", deadline {} ({})", seconds_text(t.value_ns),
				    cr::clock_name(t.clockid));
	else if (t.value_ns > 0)
		text += fmt::format(", next expiry in {} s", seconds_text(t.value_ns));
	else
		text += fmt::format(", expired {}.{:09} s before the checkpoint",
				    abs_ns(t.value_ns) / 1000000000,
				    abs_ns(t.value_ns) % 1000000000);
	if (t.interval_ns)
		text += fmt::format(", every {} s", seconds_text(t.interval_ns));
	text += fmt::format(", overrun {} (last {})", t.overrun, t.overrun_last);
	if (t.flags & CKPT_PTIMER_ARMED)
		text += ", armed";
	if (t.flags & CKPT_PTIMER_SIGPENDING)
		text += fmt::format(", signal pending (overrun {})", t.sig_overrun);
	std::uint32_t unknown =
		t.flags & ~(CKPT_PTIMER_ABSTIME | CKPT_PTIMER_ARMED | CKPT_PTIMER_SIGPENDING);
	if (unknown)
		text += fmt::format(", unknown flags {:#x}", unknown);
	return text;
}

/* An absolute CLOCK_REALTIME timer: value_ns is its deadline, not the time left. */
bool timerfd_keeps_deadline(const ckpt_rec_timerfd &t)
{
	return (t.flags & CKPT_TIMERFD_ABSTIME) &&
	       (t.clockid == CLOCK_REALTIME || t.clockid == CLOCK_REALTIME_ALARM);
}

std::string sighand_text(const ckpt_rec_sighand &s)
{
	std::vector<int> sigs = cr::non_default_signals(s);
	std::string names;
	for (int sig : sigs)
		names += (names.empty() ? " (" : " ") + cr::signal_name(sig);
	if (!names.empty())
		names += ")";
	return fmt::format("{}{}, blocked {:#018x}",
			   plural(sigs.size(), "non-default handler", "non-default handlers"),
			   names, s.blocked);
}

} // namespace

std::string pages_run_text(const cr::PagesRun &run)
{
	return fmt::format("pages: {} in {}, from {:#x}", run.pages,
			   plural(run.records, "record", "records"), run.addr);
}

std::string totals_text(const cr::ImageContents &c)
{
	return fmt::format("{}, {}, {} ({:.2f} MiB) of page data",
			   plural(c.nr_tasks, "task", "tasks"), plural(c.nr_vmas, "VMA", "VMAs"),
			   plural(c.nr_pages, "page", "pages"), mib(c.page_bytes));
}

std::map<std::uint64_t, RecordNote> record_notes(const cr::ImageContents &contents)
{
	std::map<std::uint64_t, RecordNote> notes;
	for (const cr::At<ckpt_rec_namespace> &ns : contents.namespaces)
		notes[ns.offset].text = namespace_text(ns.rec);
	if (contents.tree) {
		RecordNote &n = notes[contents.tree->offset];
		n.text = plural(contents.tree->rec.tasks.size(), "task", "tasks");
		for (const ckpt_task_ids &t : contents.tree->rec.tasks)
			n.more.push_back(task_ids_text(t));
	}
	for (const cr::TaskContents &task : contents.tasks) {
		if (task.task)
			notes[task.task->offset].text = task_text(task.task->rec);
		if (task.creds)
			notes[task.creds->offset].text = creds_text(task.creds->rec);
		if (task.cpu)
			notes[task.cpu->offset].text = cpu_text(task.cpu->rec);
		if (task.mm)
			notes[task.mm->offset].text = mm_text(task.mm->rec);
		for (const cr::VmaContents &vma : task.vmas) {
			notes[vma.offset].text = vma_text(vma.vma);
			if (vma.file)
				notes[vma.file->offset].text = mapped_file_text(vma.file->rec);
		}
		for (const cr::ShmemContents &shm : task.shmems)
			notes[shm.offset].text = shmem_text(shm);
		for (const cr::MemfdContents &m : task.memfds)
			notes[m.offset].text = memfd_text(m);
		for (const cr::DeletedFileContents &d : task.deleted_files)
			notes[d.offset].text = deleted_file_text(d);
		for (const cr::At<ckpt_rec_uts_ns> &u : task.uts_namespaces)
			notes[u.offset].text = uts_ns_text(u.rec);
		for (const cr::At<ckpt_rec_ipc_ns> &i : task.ipc_namespaces)
			ipc_ns_note(i.rec, notes[i.offset]);
		for (const cr::SysvShmContents &shm : task.sysv_shms)
			sysv_shm_note(shm, notes[shm.offset]);
		for (const cr::At<cr::SysvSemRecord> &sem : task.sysv_sems)
			sysv_sem_note(sem.rec, notes[sem.offset]);
		for (const cr::At<cr::SemUndoRecord> &undo : task.sem_undos)
			notes[undo.offset].text = sem_undo_text(undo.rec);
		for (const cr::At<ckpt_rec_share> &share : task.shares)
			notes[share.offset].text = share_text(share.rec);
		if (task.fs)
			notes[task.fs->offset].text = fs_text(task.fs->rec);
		for (const cr::At<cr::FileRecord> &file : task.files)
			notes[file.offset].text = file_text(file.rec);
		for (const cr::At<ckpt_rec_pipe_data> &pipe : task.pipes)
			notes[pipe.offset].text = fmt::format(
				"pipe {}: {} buffered, capacity {} bytes", pipe.rec.pipe,
				plural(pipe.rec.len, "byte", "bytes"), pipe.rec.size);
		for (const cr::At<cr::PtyRecord> &pty : task.ptys)
			notes[pty.offset].text = pty_text(pty.rec);
		for (const cr::At<ckpt_rec_eventfd> &e : task.eventfds)
			notes[e.offset].text = fmt::format(
				"eventfd obj {}: count {}{}{}", e.rec.objref, e.rec.count,
				e.rec.flags & CKPT_EVENTFD_SEMAPHORE ? "  semaphore" : "",
				e.rec.flags & CKPT_EVENTFD_NONBLOCK ? "  nonblock" : "");
		for (const cr::At<cr::UnixPairRecord> &u : task.unix_pairs) {
			RecordNote &n = notes[u.offset];
			n.text = fmt::format("UNIX socket pair, type {}", u.rec.pair.type);
			for (int i = 0; i < 2; i++)
				n.more.push_back(unix_end_text(u.rec.pair.end[i], u.rec.addr[i]));
		}
		for (const cr::At<cr::UnixSockRecord> &u : task.unix_socks)
			notes[u.offset].text = unix_sock_text(u.rec);
		for (const cr::At<cr::NetlinkSockRecord> &n : task.netlink_socks) {
			RecordNote &note = notes[n.offset];
			note.text = netlink_sock_text(n.rec);
			if (std::string options = netlink_options_text(n.rec.sock);
			    !options.empty())
				note.more.push_back(options);
		}
		for (const cr::At<ckpt_rec_inet_sock> &i : task.inet_socks) {
			RecordNote &n = notes[i.offset];
			n.text = inet_sock_text(i.rec);
			if (is_tcp_established(i.rec))
				n.more.push_back(inet_tcp_text(i.rec.tcp));
			if (std::string options = inet_options_text(i.rec); !options.empty())
				n.more.push_back(options);
		}
		for (const cr::At<ckpt_rec_file_lock> &l : task.locks)
			notes[l.offset].text = lock_text(l.rec);
		for (const cr::At<ckpt_rec_file_owner> &o : task.owners)
			notes[o.offset].text = owner_text(o.rec);
		for (const cr::At<cr::EpollRecord> &e : task.epolls) {
			RecordNote &n = notes[e.offset];
			n.text = fmt::format("epoll obj {}: {}{}", e.rec.epoll.objref,
					     plural(e.rec.epoll.nr_watches, "watch", "watches"),
					     e.rec.epoll.flags & CKPT_EPOLL_NONBLOCK ? "  nonblock"
										     : "");
			for (const ckpt_epoll_watch &w : e.rec.watches)
				n.more.push_back(fmt::format(
					"fd {} (obj {})  events {:#x}  data {:#x}{}{}", w.fd,
					w.target, w.events, w.data,
					w.flags & CKPT_EPOLL_WATCH_READY ? "  ready" : "",
					w.flags & CKPT_EPOLL_WATCH_STALE
						? "  stale (fd closed since)"
						: ""));
		}
		for (const cr::InotifyContents &i : task.inotifies) {
			if (i.instance)
				notes[i.instance->offset].text = inotify_text(i);
			for (const cr::At<cr::InotifyWatchRecord> &w : i.watches)
				notes[w.offset].text =
					inotify_watch_text(w.rec) + inotify_orphan_text(i);
			for (const cr::At<cr::InotifyEventRecord> &e : i.events)
				notes[e.offset].text =
					inotify_event_text(e.rec) + inotify_orphan_text(i);
		}
		for (const cr::At<ckpt_rec_timerfd> &t : task.timerfds)
			notes[t.offset].text =
				fmt::format("timerfd obj {}: clock {}  {} {} ns  interval {} ns  "
					    "ticks {}  flags {}",
					    t.rec.objref, t.rec.clockid,
					    timerfd_keeps_deadline(t.rec) ? "deadline" : "left",
					    t.rec.value_ns, t.rec.interval_ns, t.rec.ticks,
					    cr::timerfd_flags_names(t.rec.flags));
		for (const cr::At<ckpt_rec_signalfd> &s : task.signalfds)
			notes[s.offset].text = fmt::format(
				"signalfd obj {}: mask {:#018x}{}", s.rec.objref, s.rec.mask,
				s.rec.flags & CKPT_SIGNALFD_NONBLOCK ? "  nonblock" : "");
		if (task.sighand)
			notes[task.sighand->offset].text = sighand_text(task.sighand->rec);
		if (task.posix_timers) {
			const cr::PosixTimersRecord &p = task.posix_timers->rec;
			RecordNote &n = notes[task.posix_timers->offset];
			n.text = fmt::format("{}, next id {}",
					     plural(p.posix_timers.nr_timers, "timer", "timers"),
					     p.posix_timers.next_id);
			for (const ckpt_posix_timer &t : p.timers)
				n.more.push_back(posix_timer_text(t));
		}
	}
	for (const cr::PagesRun &run : contents.page_runs) {
		RecordNote &n = notes[run.offset];
		n.text = pages_run_text(run);
		n.pages = &run;
	}
	return notes;
}

} // namespace crtool

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ckptinfo_json.h"

#include "bytes.h"
#include "ckptinfo_notes.h"
#include "ckptinfo_text.h"
#include "cli.h"
#include "errno_sentence.h"
#include "machine.h"
#include "process_records.h"
#include "record_names.h"

#include <csignal>
#include <fmt/format.h>
#include <netinet/in.h>

namespace crtool {

using json = nlohmann::ordered_json;

namespace {

json header_json(const ckpt_rec_header &h)
{
	json j;
	j["major"] = h.major;
	j["minor"] = h.minor;
	j["arch"] = h.arch;
	j["arch_name"] = cr::arch_name(h.arch);
	j["page_shift"] = h.page_shift;
	j["release"] = printable(cr::c_string_view(h.release));
	j["time_sec"] = h.time_sec;
	j["time_nsec"] = h.time_nsec;
	j["time"] = format_time(h.time_sec, h.time_nsec);
	j["root_pid"] = h.root_pid;
	j["flags"] = h.flags;
	j["flag_names"] = cr::image_flags_names(h.flags);
	j["cpu_state_size"] = h.cpu_state_size;
	/* Also as hex text: JSON readers often lose 64-bit integer precision. */
	j["cpu_features"] = h.cpu_features;
	j["cpu_features_hex"] = fmt::format("{:#018x}", h.cpu_features);
	std::vector<std::string> problems = cr::restore_problems(h, cr::this_machine());
	j["restorable_here"] = problems.empty();
	j["restore_problems"] = problems;
	return j;
}

json tail_json(const ckpt_rec_tail &t)
{
	json j;
	j["records"] = t.records;
	j["length"] = t.length;
	j["csum_type"] = t.csum_type;
	j["csum_type_name"] = cr::csum_type_name(t.csum_type);
	j["csum"] = t.csum;
	j["csum_hex"] = fmt::format("{:#010x}", t.csum);
	return j;
}

std::string hex(std::uint64_t value)
{
	return fmt::format("{:#x}", value);
}

json task_ids_json(const ckpt_task_ids &t)
{
	return json{{"pid", t.pid},
		    {"tgid", t.tgid},
		    {"ppid", t.ppid},
		    {"pgid", t.pgid},
		    {"sid", t.sid},
		    {"flags", t.flags},
		    {"flag_names", cr::task_flags_names(t.flags)},
		    {"exit_signal", t.exit_signal},
		    {"tty_pgrp", t.tty_pgrp ? json(t.tty_pgrp) : json(nullptr)},
		    {"stop_signal", t.stop_signal ? json(t.stop_signal) : json(nullptr)},
		    {"ctty_pty", t.flags & CKPT_TASK_CTTY_PTY ? json(t.ctty_pty) : json(nullptr)},
		    {"wait_status", t.flags & CKPT_TASK_ZOMBIE ? json(t.exit_code) : json(nullptr)},
		    {"uts_ns", t.uts_ns ? json(t.uts_ns) : json(nullptr)},
		    {"ipc_ns", t.ipc_ns ? json(t.ipc_ns) : json(nullptr)}};
}

json namespace_json(const cr::At<ckpt_rec_namespace> &n)
{
	return json{{"offset", n.offset},
		    {"objref", n.rec.objref},
		    {"kind", n.rec.kind},
		    {"kind_name", cr::namespace_kind_name(n.rec.kind)},
		    {"pid", n.rec.pid}};
}

json uts_ns_json(const cr::At<ckpt_rec_uts_ns> &u)
{
	return json{{"offset", u.offset},
		    {"objref", u.rec.objref},
		    {"nodename", printable(cr::c_string_view(u.rec.nodename))},
		    {"domainname", printable(cr::c_string_view(u.rec.domainname))}};
}

/* How an IPC namespace numbers its next objects of one kind. */
json ipc_ids_json(const ckpt_ipc_ids &ids)
{
	return json{{"seq", ids.seq}, {"last_idx", ids.last_idx}, {"cursor", ids.cursor}};
}

/* An IPC namespace's limits, by their sysctl names, and its next ids. */
json ipc_ns_json(const cr::At<ckpt_rec_ipc_ns> &i)
{
	const ckpt_rec_ipc_ns &r = i.rec;
	json next_ids{{"semaphore_sets", ipc_ids_json(r.ids[0])},
		      {"message_queues", ipc_ids_json(r.ids[1])},
		      {"segments", ipc_ids_json(r.ids[2])}};
	json mqueue{{"queues_max", r.mq_queues_max},
		    {"msg_max", r.mq_msg_max},
		    {"msgsize_max", r.mq_msgsize_max},
		    {"msg_default", r.mq_msg_default},
		    {"msgsize_default", r.mq_msgsize_default}};
	return json{{"offset", i.offset},     {"objref", r.objref},
		    {"nr_shm", r.nr_shm},     {"nr_sem", r.nr_sem},
		    {"shmmax", r.shm_ctlmax}, {"shmall", r.shm_ctlall},
		    {"shmmni", r.shm_ctlmni}, {"shm_rmid_forced", r.shm_rmid_forced},
		    {"msgmax", r.msg_ctlmax}, {"msgmnb", r.msg_ctlmnb},
		    {"msgmni", r.msg_ctlmni}, {"sem", r.sem_ctls},
		    {"mqueue", mqueue},	      {"next_ids", next_ids}};
}

json sysv_shm_json(const cr::SysvShmContents &s)
{
	const ckpt_rec_sysv_shm &r = s.shm;
	return json{{"offset", s.offset},
		    {"objref", r.objref},
		    {"flags", r.flags},
		    {"flag_names", cr::sysv_shm_flags_names(r.flags)},
		    {"new", (r.flags & CKPT_SYSV_SHM_NEW) != 0},
		    {"rmid", (r.flags & CKPT_SYSV_SHM_RMID) != 0},
		    {"key", r.key},
		    {"key_hex", fmt::format("{:#010x}", static_cast<std::uint32_t>(r.key))},
		    {"id", r.id},
		    {"uid", r.uid},
		    {"gid", r.gid},
		    {"cuid", r.cuid},
		    {"cgid", r.cgid},
		    {"mode", r.mode},
		    {"mode_octal", fmt::format("{:#o}", r.mode)},
		    {"cpid", r.cpid},
		    {"lpid", r.lpid},
		    {"size", r.size},
		    {"atime", r.atime},
		    {"dtime", r.dtime},
		    {"ctime", r.ctime},
		    {"pages", s.pages}};
}

json sysv_sem_json(const cr::At<cr::SysvSemRecord> &s)
{
	const ckpt_rec_sysv_sem &r = s.rec.sem;
	json values = json::array(), pids = json::array();
	for (const ckpt_sem &sem : s.rec.sems) {
		values.push_back(sem.semval);
		pids.push_back(sem.sempid);
	}
	return json{{"offset", s.offset},
		    {"key", r.key},
		    {"key_hex", fmt::format("{:#010x}", static_cast<std::uint32_t>(r.key))},
		    {"id", r.id},
		    {"uid", r.uid},
		    {"gid", r.gid},
		    {"cuid", r.cuid},
		    {"cgid", r.cgid},
		    {"mode", r.mode},
		    {"mode_octal", fmt::format("{:#o}", r.mode)},
		    {"nsems", r.nsems},
		    {"otime", r.otime},
		    {"ctime", r.ctime},
		    {"values", values},
		    {"pids", pids}};
}

json sem_undo_json(const cr::At<cr::SemUndoRecord> &u)
{
	return json{{"offset", u.offset},
		    {"id", u.rec.undo.id},
		    {"nsems", u.rec.undo.nsems},
		    {"adjustments", u.rec.adjustments}};
}

json creds_json(const cr::At<cr::CredsRecord> &c)
{
	const ckpt_rec_creds &r = c.rec.creds;
	bool no_new_privs = r.flags & CKPT_CREDS_NO_NEW_PRIVS;
	if (r.flags & CKPT_CREDS_SHARED)
		return json{{"offset", c.offset},
			    {"shared_objref", r.objref},
			    {"no_new_privs", no_new_privs}};
	return json{{"offset", c.offset},
		    {"objref", r.objref ? json(r.objref) : json(nullptr)},
		    {"uid", r.uid},
		    {"euid", r.euid},
		    {"suid", r.suid},
		    {"fsuid", r.fsuid},
		    {"gid", r.gid},
		    {"egid", r.egid},
		    {"sgid", r.sgid},
		    {"fsgid", r.fsgid},
		    {"groups", c.rec.groups},
		    {"cap_inheritable", hex(r.cap_inheritable)},
		    {"cap_permitted", hex(r.cap_permitted)},
		    {"cap_effective", hex(r.cap_effective)},
		    {"cap_bset", hex(r.cap_bset)},
		    {"cap_ambient", hex(r.cap_ambient)},
		    {"securebits", r.securebits},
		    {"no_new_privs", no_new_privs}};
}

json cpu_json(const cr::At<ckpt_rec_cpu_x86_64> &c)
{
	return json{{"offset", c.offset},
		    {"ip", c.rec.regs[cr::x86_64_ip_reg]},
		    {"sp", c.rec.regs[cr::x86_64_sp_reg]},
		    {"xfeatures", c.rec.xfeatures},
		    {"xfeatures_hex", hex(c.rec.xfeatures)},
		    {"xsave_size", c.rec.xsave_size}};
}

json mm_json(const cr::At<cr::MmRecord> &m)
{
	const ckpt_rec_mm &mm = m.rec.mm;
	return json{{"offset", m.offset},
		    {"start_code", mm.start_code},
		    {"end_code", mm.end_code},
		    {"start_data", mm.start_data},
		    {"end_data", mm.end_data},
		    {"start_brk", mm.start_brk},
		    {"brk", mm.brk},
		    {"start_stack", mm.start_stack},
		    {"vdso", mm.vdso},
		    {"nr_vmas", mm.nr_vmas},
		    {"exe", printable(m.rec.exe)}};
}

json vma_json(const cr::VmaContents &v)
{
	const ckpt_rec_vma &vma = v.vma.vma;
	json file = nullptr;
	if (v.file)
		file = json{{"offset", v.file->offset},
			    {"size", v.file->rec.size},
			    {"mtime_sec", v.file->rec.mtime_sec},
			    {"mtime_nsec", v.file->rec.mtime_nsec}};
	return json{{"offset", v.offset},
		    {"start", vma.start},
		    {"end", vma.end},
		    {"start_hex", hex(vma.start)},
		    {"end_hex", hex(vma.end)},
		    {"prot", vma.prot},
		    {"prot_rwx", cr::prot_rwx(vma.prot)},
		    {"kind", vma.kind},
		    {"kind_name", cr::vma_kind_name(vma.kind)},
		    {"flags", vma.flags},
		    {"flag_names", cr::vma_flags_names(vma.flags)},
		    {"pgoff", vma.pgoff},
		    {"path", printable(v.vma.path)},
		    {"file", file},
		    {"pages", v.pages},
		    {"page_records", v.page_records}};
}

json file_json(const cr::At<cr::FileRecord> &f)
{
	const ckpt_rec_file &file = f.rec.file;
	json deleted = file.kind == CKPT_FILE_DELETED ? json(file.deleted) : json(nullptr);
	return json{{"offset", f.offset},
		    {"fd", file.fd},
		    {"kind", file.kind},
		    {"kind_name", cr::file_kind_name(file.kind)},
		    {"flags", file.f_flags},
		    {"flag_names", cr::open_flags_names(file.f_flags)},
		    {"pos", file.pos},
		    {"rdev", file.rdev},
		    {"objref", file.objref},
		    {"object", file.pipe},
		    {"memfd", file.kind == CKPT_FILE_MEMFD ? json(file.memfd) : json(nullptr)},
		    {"deleted", deleted},
		    {"cloexec", (file.fd_flags & CKPT_FD_CLOEXEC) != 0},
		    {"path", printable(f.rec.path)}};
}

json sighand_json(const cr::At<ckpt_rec_sighand> &s)
{
	json handlers = json::array();
	for (int sig : cr::non_default_signals(s.rec)) {
		const ckpt_sigaction &a = s.rec.action[sig - 1];
		handlers.push_back(json{{"signal", sig},
					{"name", cr::signal_name(sig)},
					{"handler", hex(a.handler)},
					{"flags", hex(a.flags)},
					{"mask", hex(a.mask)}});
	}
	return json{{"offset", s.offset},
		    {"non_default", handlers.size()},
		    {"handlers", handlers},
		    {"blocked", s.rec.blocked},
		    {"blocked_hex", fmt::format("{:#018x}", s.rec.blocked)}};
}

json posix_timers_json(const cr::At<cr::PosixTimersRecord> &p)
{
	json timers = json::array();
	for (const ckpt_posix_timer &t : p.rec.timers) {
		bool signals = t.notify != SIGEV_NONE;
		timers.push_back(json{
			{"id", t.id},
			{"clockid", t.clockid},
			{"clock", cr::clock_name(t.clockid)},
			{"notify", t.notify},
			{"notify_name", cr::sigev_notify_name(t.notify)},
			{"signo", t.signo},
			{"signal", signals ? json(cr::signal_full_name(t.signo)) : json(nullptr)},
			{"sigval", t.sigval},
			{"tid", t.tid},
			{"flags", t.flags},
			{"flag_names", cr::posix_timer_flags_names(t.flags)},
			{"abstime", (t.flags & CKPT_PTIMER_ABSTIME) != 0},
			{"armed", (t.flags & CKPT_PTIMER_ARMED) != 0},
			{"sigpending", (t.flags & CKPT_PTIMER_SIGPENDING) != 0},
			{"value_ns", t.value_ns},
			{"interval_ns", t.interval_ns},
			{"overrun", t.overrun},
			{"overrun_last", t.overrun_last},
			{"sig_overrun", t.sig_overrun},
			{"requeue", t.requeue},
			{"sig_private", t.sig_private}});
	}
	return json{
		{"offset", p.offset}, {"next_id", p.rec.posix_timers.next_id}, {"timers", timers}};
}

json inet_addr_json(std::uint16_t family, const ckpt_inet_addr &a)
{
	return json{{"addr", cr::inet_addr_string(family, a.addr)}, {"port", a.port}};
}

json inet_sock_json(const cr::At<ckpt_rec_inet_sock> &i)
{
	const ckpt_rec_inet_sock &s = i.rec;
	constexpr std::uint16_t tcp_established = 1; /* the kernel's TCP_ESTABLISHED */
	json tcp = nullptr;
	/* an established TCP connection: its queues are in the record */
	constexpr std::uint16_t tcp_close_wait = 8;
	if (s.protocol == IPPROTO_TCP && (s.state == tcp_established || s.state == tcp_close_wait))
		tcp = json{{"send_seq", s.tcp.send_seq},
			   {"send_len", s.tcp.send_len},
			   {"recv_seq", s.tcp.recv_seq},
			   {"recv_len", s.tcp.recv_len},
			   {"snd_wl1", s.tcp.snd_wl1},
			   {"snd_wnd", s.tcp.snd_wnd},
			   {"max_window", s.tcp.max_window},
			   {"rcv_wnd", s.tcp.rcv_wnd},
			   {"rcv_wup", s.tcp.rcv_wup},
			   {"timestamp", s.tcp.timestamp},
			   {"opts", s.tcp.opts},
			   {"opt_names", cr::tcp_opts_names(s.tcp.opts)},
			   {"mss_clamp", s.tcp.mss_clamp},
			   {"snd_wscale", s.tcp.snd_wscale},
			   {"rcv_wscale", s.tcp.rcv_wscale}};
	return json{{"offset", i.offset},
		    {"objref", s.objref},
		    {"family", s.family},
		    {"family_name", cr::inet_family_name(s.family)},
		    {"type", s.type},
		    {"protocol", s.protocol},
		    {"protocol_name", cr::inet_protocol_name(s.protocol)},
		    {"state", s.state},
		    {"state_name", cr::tcp_state_name(s.state)},
		    {"flags", s.flags},
		    {"flag_names", cr::inet_flags_names(s.flags)},
		    {"local", inet_addr_json(s.family, s.local)},
		    {"remote", inet_addr_json(s.family, s.remote)},
		    {"backlog", s.backlog},
		    {"nr_dgrams", s.nr_dgrams},
		    {"dgrams_len", s.dgrams_len},
		    {"sndbuf", s.sndbuf},
		    {"rcvbuf", s.rcvbuf},
		    {"sndtimeo_ns", s.sndtimeo_ns},
		    {"rcvtimeo_ns", s.rcvtimeo_ns},
		    {"peek_off", s.peek_off},
		    {"priority", s.priority},
		    {"linger_sec", s.linger_sec},
		    {"tos", s.tos},
		    {"ttl", s.ttl},
		    {"keepidle", s.keepidle},
		    {"keepintvl", s.keepintvl},
		    {"keepcnt", s.keepcnt},
		    {"user_timeout", s.user_timeout},
		    {"notsent_lowat", s.notsent_lowat},
		    {"congestion", printable(cr::c_string_view(s.congestion))},
		    {"tcp", tcp}};
}

/* A UNIX socket's address as ss shows it; null: none. */
json unix_addr_json(const std::string &addr)
{
	return addr.empty() ? json(nullptr) : json(printable(cr::unix_addr_string(addr)));
}

json unix_sock_json(const cr::At<cr::UnixSockRecord> &u)
{
	const ckpt_rec_unix_sock &s = u.rec.sock;
	return json{{"offset", u.offset},
		    {"objref", s.end.objref},
		    {"type", s.type},
		    {"flags", s.end.flags},
		    {"flag_names", cr::unix_flags_names(s.end.flags)},
		    {"backlog", s.backlog},
		    {"mode", s.mode},
		    {"addr_len", s.end.addr_len},
		    {"addr", unix_addr_json(u.rec.addr)},
		    {"path", u.rec.path.empty() ? json(nullptr) : json(printable(u.rec.path))},
		    {"peer_len", s.peer_len},
		    {"peer", unix_addr_json(u.rec.peer)},
		    {"sndbuf", s.end.sndbuf},
		    {"rcvbuf", s.end.rcvbuf},
		    {"sndtimeo_ns", s.end.sndtimeo_ns},
		    {"rcvtimeo_ns", s.end.rcvtimeo_ns},
		    {"peek_off", s.end.peek_off}};
}

json netlink_sock_json(const cr::At<cr::NetlinkSockRecord> &n)
{
	const ckpt_rec_netlink_sock &s = n.rec.sock;
	bool connected = (s.flags & CKPT_NETLINK_CONNECTED) || s.dst_portid || s.dst_group;
	return json{{"offset", n.offset},
		    {"objref", s.objref},
		    {"type", s.type},
		    {"type_name", cr::netlink_type_name(s.type)},
		    {"protocol", s.protocol},
		    {"protocol_name", cr::netlink_protocol_name(s.protocol)},
		    {"flags", s.flags},
		    {"flag_names", cr::netlink_flags_names(s.flags)},
		    {"portid", s.portid},
		    {"destination", connected
					    ? json{{"portid", s.dst_portid}, {"group", s.dst_group}}
					    : json(nullptr)},
		    {"ngroups", s.ngroups},
		    {"groups", n.rec.groups},
		    {"sndbuf", s.sndbuf},
		    {"rcvbuf", s.rcvbuf},
		    {"sndtimeo_ns", s.sndtimeo_ns},
		    {"rcvtimeo_ns", s.rcvtimeo_ns}};
}

json task_json(const cr::TaskContents &t)
{
	json j;
	if (t.task) {
		j["offset"] = t.task->offset;
		j["pid"] = t.task->rec.pid;
		j["comm"] = printable(cr::c_string_view(t.task->rec.comm));
		j["personality"] = t.task->rec.personality;
		j["exit_signal"] = t.task->rec.exit_signal;
		j["pdeath_signal"] = t.task->rec.pdeath_signal;
		j["umask"] = t.task->rec.umask;
		j["thp_disabled"] = (t.task->rec.mm_flags & CKPT_MM_THP_DISABLE) != 0;
		j["lock_future"] = (t.task->rec.mm_flags & CKPT_MM_LOCK_FUTURE) != 0;
		j["lock_onfault"] = (t.task->rec.mm_flags & CKPT_MM_LOCK_ONFAULT) != 0;
	} else {
		j["offset"] = nullptr; /* records before any TASK record */
	}
	j["creds"] = t.creds ? creds_json(*t.creds) : json(nullptr);
	j["cpu"] = t.cpu ? cpu_json(*t.cpu) : json(nullptr);
	j["mm"] = t.mm ? mm_json(*t.mm) : json(nullptr);
	json vmas = json::array();
	for (const cr::VmaContents &v : t.vmas)
		vmas.push_back(vma_json(v));
	j["vmas"] = vmas;
	json shmems = json::array();
	for (const cr::ShmemContents &m : t.shmems)
		shmems.push_back(json{{"offset", m.offset},
				      {"objref", m.shmem.objref},
				      {"new", (m.shmem.flags & CKPT_SHMEM_NEW) != 0},
				      {"size", m.shmem.size},
				      {"pages", m.pages}});
	j["shared_memory"] = shmems;
	json memfds = json::array();
	for (const cr::MemfdContents &m : t.memfds) {
		const ckpt_rec_memfd &r = m.memfd.memfd;
		memfds.push_back(json{{"offset", m.offset},
				      {"objref", r.objref},
				      {"flags", r.flags},
				      {"flag_names", cr::memfd_flags_names(r.flags)},
				      {"new", (r.flags & CKPT_MEMFD_NEW) != 0},
				      {"size", r.size},
				      {"seals", r.seals},
				      {"seal_names", cr::memfd_seals_names(r.seals)},
				      {"mode", r.mode},
				      {"mode_octal", fmt::format("{:#o}", r.mode)},
				      {"name", printable(m.memfd.name)},
				      {"pages", m.pages}});
	}
	j["memfds"] = memfds;
	json deleted_files = json::array();
	for (const cr::DeletedFileContents &d : t.deleted_files) {
		const ckpt_rec_deleted_file &r = d.deleted.deleted;
		deleted_files.push_back(json{{"offset", d.offset},
					     {"objref", r.objref},
					     {"flags", r.flags},
					     {"flag_names", cr::deleted_flags_names(r.flags)},
					     {"new", (r.flags & CKPT_DELETED_NEW) != 0},
					     {"size", r.size},
					     {"mode", r.mode},
					     {"mode_octal", fmt::format("{:#o}", r.mode)},
					     {"path", printable(d.deleted.path)},
					     {"pages", d.pages}});
	}
	j["deleted_files"] = deleted_files;
	json uts_namespaces = json::array();
	for (const cr::At<ckpt_rec_uts_ns> &u : t.uts_namespaces)
		uts_namespaces.push_back(uts_ns_json(u));
	j["uts_namespaces"] = uts_namespaces;
	json ipc_namespaces = json::array();
	for (const cr::At<ckpt_rec_ipc_ns> &i : t.ipc_namespaces)
		ipc_namespaces.push_back(ipc_ns_json(i));
	j["ipc_namespaces"] = ipc_namespaces;
	json sysv_shms = json::array();
	for (const cr::SysvShmContents &s : t.sysv_shms)
		sysv_shms.push_back(sysv_shm_json(s));
	j["sysv_shms"] = sysv_shms;
	json sysv_sems = json::array();
	for (const cr::At<cr::SysvSemRecord> &s : t.sysv_sems)
		sysv_sems.push_back(sysv_sem_json(s));
	j["sysv_sems"] = sysv_sems;
	json sem_undos = json::array();
	for (const cr::At<cr::SemUndoRecord> &u : t.sem_undos)
		sem_undos.push_back(sem_undo_json(u));
	j["sem_undos"] = sem_undos;
	json shares = json::array();
	for (const cr::At<ckpt_rec_share> &s : t.shares)
		shares.push_back(json{{"offset", s.offset},
				      {"kind", s.rec.kind == CKPT_SHARE_FILES ? "files" : "fs"},
				      {"objref", s.rec.objref},
				      {"new", (s.rec.flags & CKPT_SHARE_NEW) != 0}});
	j["shared_tables"] = shares;
	j["cwd"] = t.fs ? json(printable(t.fs->rec.cwd)) : json(nullptr);
	j["root"] =
		t.fs && !t.fs->rec.root.empty() ? json(printable(t.fs->rec.root)) : json(nullptr);
	json files = json::array();
	for (const cr::At<cr::FileRecord> &f : t.files)
		files.push_back(file_json(f));
	j["files"] = files;
	json ptys = json::array();
	for (const cr::At<cr::PtyRecord> &p : t.ptys)
		ptys.push_back(json{{"offset", p.offset},
				    {"pty", p.rec.pty.pty},
				    {"index", p.rec.pty.index},
				    {"master_path", printable(p.rec.master_path)},
				    {"flags", p.rec.pty.flags},
				    {"flag_names", cr::pty_flags_names(p.rec.pty.flags)},
				    {"uid", p.rec.pty.uid},
				    {"gid", p.rec.pty.gid},
				    {"mode", p.rec.pty.mode},
				    {"rows", p.rec.pty.winsize.ws_row},
				    {"cols", p.rec.pty.winsize.ws_col},
				    {"to_slave", p.rec.pty.to_slave},
				    {"to_slave_lines", p.rec.pty.to_slave_lines},
				    {"to_master", p.rec.pty.to_master},
				    {"to_master_lines", p.rec.pty.to_master_lines}});
	j["ptys"] = ptys;
	json eventfds = json::array();
	for (const cr::At<ckpt_rec_eventfd> &e : t.eventfds)
		eventfds.push_back(json{{"offset", e.offset},
					{"objref", e.rec.objref},
					{"count", e.rec.count},
					{"semaphore", (e.rec.flags & CKPT_EVENTFD_SEMAPHORE) != 0},
					{"nonblock", (e.rec.flags & CKPT_EVENTFD_NONBLOCK) != 0}});
	j["eventfds"] = eventfds;
	json signalfds = json::array();
	for (const cr::At<ckpt_rec_signalfd> &s : t.signalfds)
		signalfds.push_back(
			json{{"offset", s.offset},
			     {"objref", s.rec.objref},
			     {"mask", s.rec.mask},
			     {"nonblock", (s.rec.flags & CKPT_SIGNALFD_NONBLOCK) != 0}});
	j["signalfds"] = signalfds;
	json timerfds = json::array();
	for (const cr::At<ckpt_rec_timerfd> &tf : t.timerfds)
		timerfds.push_back(json{{"offset", tf.offset},
					{"objref", tf.rec.objref},
					{"clockid", tf.rec.clockid},
					{"value_ns", tf.rec.value_ns},
					{"interval_ns", tf.rec.interval_ns},
					{"ticks", tf.rec.ticks},
					{"flags", tf.rec.flags},
					{"flag_names", cr::timerfd_flags_names(tf.rec.flags)}});
	j["timerfds"] = timerfds;
	json epolls = json::array();
	for (const cr::At<cr::EpollRecord> &e : t.epolls) {
		json watches = json::array();
		for (const ckpt_epoll_watch &w : e.rec.watches)
			watches.push_back(json{{"fd", w.fd},
					       {"target", w.target},
					       {"events", w.events},
					       {"data", w.data},
					       {"ready", (w.flags & CKPT_EPOLL_WATCH_READY) != 0},
					       {"stale", (w.flags & CKPT_EPOLL_WATCH_STALE) != 0}});
		epolls.push_back(json{{"offset", e.offset},
				      {"objref", e.rec.epoll.objref},
				      {"nonblock", (e.rec.epoll.flags & CKPT_EPOLL_NONBLOCK) != 0},
				      {"watches", watches}});
	}
	j["epolls"] = epolls;
	json inotifies = json::array();
	for (const cr::InotifyContents &i : t.inotifies) {
		json watches = json::array();
		for (const cr::At<cr::InotifyWatchRecord> &w : i.watches)
			watches.push_back(
				json{{"offset", w.offset},
				     {"wd", w.rec.watch.wd},
				     {"mask", w.rec.watch.mask},
				     {"mask_names", cr::inotify_mask_names(w.rec.watch.mask)},
				     {"path", printable(w.rec.path)}});
		json events = json::array();
		for (const cr::At<cr::InotifyEventRecord> &e : i.events)
			events.push_back(
				json{{"offset", e.offset},
				     {"wd", e.rec.event.wd},
				     {"mask", e.rec.event.mask},
				     {"mask_names", cr::inotify_mask_names(e.rec.event.mask)},
				     {"cookie", e.rec.event.cookie},
				     {"name", printable(e.rec.name)}});
		/* no INOTIFY record: WATCH or EVENT records of an objref none named before */
		const std::optional<cr::At<ckpt_rec_inotify>> &in = i.instance;
		inotifies.push_back(
			json{{"offset", in ? json(in->offset) : json(nullptr)},
			     {"objref", i.objref},
			     {"nonblock", in ? json((in->rec.flags & CKPT_INOTIFY_NONBLOCK) != 0)
					     : json(nullptr)},
			     {"next_wd", in ? json(in->rec.next_wd) : json(nullptr)},
			     {"watches", watches},
			     {"events", events}});
	}
	j["inotifies"] = inotifies;
	json locks = json::array();
	for (const cr::At<ckpt_rec_file_lock> &l : t.locks)
		locks.push_back(json{{"offset", l.offset},
				     {"objref", l.rec.objref},
				     {"fd", l.rec.fd},
				     {"kind", l.rec.kind},
				     {"type", l.rec.type},
				     {"start", l.rec.start},
				     {"end", l.rec.end}});
	j["locks"] = locks;
	json owners = json::array();
	for (const cr::At<ckpt_rec_file_owner> &o : t.owners)
		owners.push_back(json{{"offset", o.offset},
				      {"objref", o.rec.objref},
				      {"fd", o.rec.fd},
				      {"pid", o.rec.pid},
				      {"type", o.rec.type},
				      {"type_name", cr::owner_type_name(o.rec.type)},
				      {"signum", o.rec.signum},
				      {"signal", cr::io_signal_name(o.rec.signum)}});
	j["file_owners"] = owners;
	json pairs = json::array();
	for (const cr::At<cr::UnixPairRecord> &u : t.unix_pairs) {
		json ends = json::array();
		for (int i = 0; i < 2; i++) {
			const ckpt_unix_end &e = u.rec.pair.end[i];
			ends.push_back(json{{"objref", e.objref},
					    {"flags", e.flags},
					    {"flag_names", cr::unix_flags_names(e.flags)},
					    {"messages", e.nr_msgs},
					    {"bytes", e.len},
					    {"addr_len", e.addr_len},
					    {"addr", unix_addr_json(u.rec.addr[i])}});
		}
		pairs.push_back(
			json{{"offset", u.offset}, {"type", u.rec.pair.type}, {"ends", ends}});
	}
	j["unix_pairs"] = pairs;
	json unix_socks = json::array();
	for (const cr::At<cr::UnixSockRecord> &u : t.unix_socks)
		unix_socks.push_back(unix_sock_json(u));
	j["unix_socks"] = unix_socks;
	json inet_socks = json::array();
	for (const cr::At<ckpt_rec_inet_sock> &i : t.inet_socks)
		inet_socks.push_back(inet_sock_json(i));
	j["inet_socks"] = inet_socks;
	json netlink_socks = json::array();
	for (const cr::At<cr::NetlinkSockRecord> &n : t.netlink_socks)
		netlink_socks.push_back(netlink_sock_json(n));
	j["netlink_socks"] = netlink_socks;
	j["sighand"] = t.sighand ? sighand_json(*t.sighand) : json(nullptr);
	j["posix_timers"] = t.posix_timers ? posix_timers_json(*t.posix_timers) : json(nullptr);
	return j;
}

json contents_json(const cr::ImageContents &c)
{
	json j;
	json namespaces = json::array();
	for (const cr::At<ckpt_rec_namespace> &n : c.namespaces)
		namespaces.push_back(namespace_json(n));
	j["namespaces"] = namespaces;
	if (c.tree) {
		json tree = json::array();
		for (const ckpt_task_ids &t : c.tree->rec.tasks)
			tree.push_back(task_ids_json(t));
		j["tree"] = tree;
	} else {
		j["tree"] = nullptr;
	}
	json tasks = json::array();
	for (const cr::TaskContents &t : c.tasks)
		tasks.push_back(task_json(t));
	j["tasks"] = tasks;
	return j;
}

json totals_json(const cr::ImageContents &c)
{
	return json{{"tasks", c.nr_tasks},
		    {"vmas", c.nr_vmas},
		    {"shared_memory_records", c.nr_shmems},
		    {"memfd_records", c.nr_memfds},
		    {"deleted_file_records", c.nr_deleted_files},
		    {"sysv_shm_records", c.nr_sysv_shms},
		    {"sysv_sem_records", c.nr_sysv_sems},
		    {"sem_undo_records", c.nr_sem_undos},
		    {"pages", c.nr_pages},
		    {"page_bytes", c.page_bytes},
		    {"page_mib", mib(c.page_bytes)},
		    {"text", totals_text(c)}};
}

/* Every record; a run of PAGES records as one entry, with its record and page counts. */
json records_json(const cr::ImageSummary &sum)
{
	std::map<std::uint64_t, const cr::PagesRun *> runs;
	for (const cr::PagesRun &run : sum.contents.page_runs)
		runs[run.offset] = &run;

	json records = json::array();
	for (const cr::RecordInfo &rec : sum.records) {
		json r{{"offset", rec.offset},
		       {"type", rec.type},
		       {"type_name", cr::record_type_name(rec.type)},
		       {"len", rec.len},
		       {"skipped", rec.skipped}};
		if (rec.type == CKPT_REC_PAGES) {
			auto it = runs.find(rec.offset);
			if (it == runs.end())
				continue; /* in the entry of its run */
			r["len"] = it->second->bytes;
			r["addr"] = it->second->addr;
			r["records"] = it->second->records;
			r["pages"] = it->second->pages;
		}
		records.push_back(r);
	}
	return records;
}

} // namespace

json summary_to_json(const cr::ImageSummary &sum, std::string_view file)
{
	json j;
	j["file"] = printable(file);
	j["header"] = sum.header ? header_json(*sum.header) : json(nullptr);

	j["records"] = records_json(sum);
	j["contents"] = contents_json(sum.contents);
	j["totals"] = totals_json(sum.contents);

	json errors = json::array();
	for (const cr::ErrorInfo &e : sum.errors)
		errors.push_back(json{{"offset", e.offset},
				      {"error", e.error},
				      {"errno_name", cr::errno_name(e.error)},
				      {"message", printable(e.message)}});
	j["errors"] = errors;

	j["tail"] = sum.tail ? tail_json(*sum.tail) : json(nullptr);
	j["length"] = sum.length;
	j["trailing_bytes"] = sum.trailing_bytes;
	j["complete"] = sum.complete();
	j["valid"] = sum.valid();
	if (sum.problem) {
		json p;
		p["offset"] = sum.problem->offset() ? json(*sum.problem->offset()) : json(nullptr);
		p["errno_name"] = cr::errno_name(sum.problem->err());
		p["message"] = sum.problem->message();
		j["problem"] = p;
	} else {
		j["problem"] = nullptr;
	}
	return j;
}

} // namespace crtool

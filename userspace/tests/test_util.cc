// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_util.h"

#include "bytes.h"
#include "io.h"
#include "process_records.h"
#include "record_reader.h"

#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace crtest {

Bytes build_image(const std::function<void(cr::RecordWriter &)> &build)
{
	cr::Fd fd = cr::make_memfd("crtest-image");
	cr::RecordWriter writer(fd.get());
	build(writer);
	if (::lseek(fd.get(), 0, SEEK_SET) != 0)
		throw cr::Error::from_errno("lseek");
	return cr::read_all(fd.get());
}

Bytes empty_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, CKPT_IMAGE_CONTAINER));
		w.write_tail();
	});
}

Bytes failed_image(std::string_view message)
{
	return build_image([message](cr::RecordWriter &w) {
		w.write_header(cr::make_header(1, CKPT_IMAGE_CONTAINER));
		w.write_error(-EOPNOTSUPP, message);
		w.write_tail();
	});
}

void write_tree(cr::RecordWriter &w, std::int32_t pid, std::uint32_t nr_tasks)
{
	ckpt_rec_tree tree{};
	tree.nr_tasks = nr_tasks;
	tree.task_size = sizeof(ckpt_task_ids);
	Bytes ids;
	for (std::uint32_t i = 0; i < nr_tasks; i++) {
		std::int32_t task = pid + static_cast<std::int32_t>(i);
		ckpt_task_ids t{};
		t.pid = task;
		t.tgid = task;
		t.ppid = i == 0 ? 0 : pid;
		t.pgid = pid;
		t.sid = pid;
		t.flags = i == 0 ? CKPT_TASK_SESSION_LEADER | CKPT_TASK_GROUP_LEADER : 0;
		std::span<const std::byte> b = cr::bytes_of(t);
		ids.insert(ids.end(), b.begin(), b.end());
	}
	write_record(w, CKPT_REC_TREE, tree, ids);
}

namespace {

void write_vma(cr::RecordWriter &w, std::uint64_t start, std::uint64_t end, std::uint32_t kind,
	       std::uint32_t prot, std::uint32_t flags, std::string_view path)
{
	ckpt_rec_vma vma{};
	vma.start = start;
	vma.end = end;
	vma.kind = kind;
	vma.prot = prot;
	vma.flags = flags;
	vma.path_len = static_cast<std::uint32_t>(path.size());
	write_record(w, CKPT_REC_VMA, vma, text_bytes(path));
}

void write_pages(cr::RecordWriter &w, std::uint64_t addr, std::uint32_t nr_pages)
{
	ckpt_rec_pages pages{};
	pages.addr = addr;
	pages.nr_pages = nr_pages;
	Bytes data(std::size_t{nr_pages} * static_cast<std::size_t>(::getpagesize()),
		   std::byte{0xa5});
	write_record(w, CKPT_REC_PAGES, pages, data);
}

void write_file(cr::RecordWriter &w, std::int32_t fd, std::uint32_t kind, std::uint32_t f_flags,
		std::uint32_t fd_flags, std::int64_t pos, std::uint32_t rdev, std::string_view path)
{
	ckpt_rec_file file{};
	file.fd = fd;
	file.kind = kind;
	file.f_flags = f_flags;
	file.fd_flags = fd_flags;
	file.pos = pos;
	file.rdev = rdev;
	file.path_len = static_cast<std::uint32_t>(path.size());
	write_record(w, CKPT_REC_FILE, file, text_bytes(path));
}

} // namespace

void write_inotify(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags,
		   std::int32_t next_wd)
{
	ckpt_rec_inotify inotify{};
	inotify.objref = objref;
	inotify.flags = flags;
	inotify.next_wd = next_wd;
	write_record(w, CKPT_REC_INOTIFY, inotify);
}

void write_inotify_watch(cr::RecordWriter &w, std::uint32_t objref, std::int32_t wd,
			 std::uint32_t mask, std::string_view path)
{
	ckpt_rec_inotify_watch watch{};
	watch.objref = objref;
	watch.wd = wd;
	watch.mask = mask;
	watch.path_len = static_cast<std::uint32_t>(path.size());
	write_record(w, CKPT_REC_INOTIFY_WATCH, watch, text_bytes(path));
}

void write_inotify_event(cr::RecordWriter &w, std::uint32_t objref, std::int32_t wd,
			 std::uint32_t mask, std::uint32_t cookie, std::string_view name)
{
	ckpt_rec_inotify_event event{};
	event.objref = objref;
	event.wd = wd;
	event.mask = mask;
	event.cookie = cookie;
	event.name_len = static_cast<std::uint32_t>(name.size());
	write_record(w, CKPT_REC_INOTIFY_EVENT, event, text_bytes(name));
}

void write_inet_sock(cr::RecordWriter &w, const ckpt_rec_inet_sock &sock, std::string_view send,
		     std::string_view recv)
{
	write_record(w, CKPT_REC_INET_SOCK, sock,
		     text_bytes(std::string(send) + std::string(recv)));
}

ckpt_rec_inet_sock tcp4_established_sock()
{
	ckpt_rec_inet_sock s{};
	s.objref = 5;
	s.family = AF_INET;
	s.type = SOCK_STREAM;
	s.protocol = IPPROTO_TCP;
	s.state = 1; /* TCP_ESTABLISHED */
	s.flags =
		CKPT_INET_NONBLOCK | CKPT_INET_REUSEADDR | CKPT_INET_NODELAY | CKPT_INET_KEEPALIVE;
	const std::uint8_t loopback[] = {127, 0, 0, 1};
	std::memcpy(s.local.addr, loopback, sizeof(loopback));
	std::memcpy(s.remote.addr, loopback, sizeof(loopback));
	s.local.port = 4000;
	s.remote.port = 38122;
	s.sndbuf = 2626560;
	s.rcvbuf = 131072;
	s.peek_off = -1;
	s.keepidle = 60;
	std::memcpy(s.congestion, "cubic", 5);
	s.tcp.send_seq = 123;
	s.tcp.send_len = 10;
	s.tcp.recv_seq = 456;
	s.tcp.recv_len = 3;
	s.tcp.snd_wl1 = 450;
	s.tcp.snd_wnd = 65483;
	s.tcp.max_window = 65483;
	s.tcp.rcv_wnd = 65536;
	s.tcp.rcv_wup = 456;
	s.tcp.mss_clamp = 1460;
	s.tcp.timestamp = 987654;
	s.tcp.opts = CKPT_TCP_OPT_SACK | CKPT_TCP_OPT_WSCALE;
	s.tcp.snd_wscale = 7;
	s.tcp.rcv_wscale = 6;
	return s;
}

ckpt_rec_inet_sock tcp6_listen_sock()
{
	ckpt_rec_inet_sock s{};
	s.objref = 6;
	s.family = AF_INET6;
	s.type = SOCK_STREAM;
	s.protocol = IPPROTO_TCP;
	s.state = 10; /* TCP_LISTEN */
	s.flags = CKPT_INET_REUSEADDR | CKPT_INET_V6ONLY;
	s.local.port = 8080; /* the address :: */
	s.peek_off = -1;
	s.backlog = 128;
	return s;
}

Bytes inet_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "server", 6);
		write_record(w, CKPT_REC_TASK, task);

		ckpt_rec_file file{};
		file.kind = CKPT_FILE_INET;
		file.f_flags = O_RDWR;

		ckpt_rec_inet_sock tcp4 = tcp4_established_sock();
		write_inet_sock(w, tcp4, "0123456789", "abc");
		file.fd = 3;
		file.f_flags = O_RDWR | O_NONBLOCK;
		file.objref = tcp4.objref;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_inet_sock tcp6 = tcp6_listen_sock();
		write_inet_sock(w, tcp6);
		file.fd = 4;
		file.f_flags = O_RDWR;
		file.objref = tcp6.objref;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_inet_sock udp{};
		udp.objref = 8;
		udp.family = AF_INET;
		udp.type = SOCK_DGRAM;
		udp.protocol = IPPROTO_UDP;
		udp.state = 1; /* connected */
		const std::uint8_t local[] = {10, 0, 0, 1}, remote[] = {10, 0, 0, 2};
		std::memcpy(udp.local.addr, local, sizeof(local));
		std::memcpy(udp.remote.addr, remote, sizeof(remote));
		udp.local.port = 5353;
		udp.remote.port = 53;
		udp.peek_off = -1;
		/* one datagram queued, "hello" from 10.0.0.2:53 */
		udp.nr_dgrams = 1;
		udp.dgrams_len = 5;
		ckpt_inet_dgram dgram{};
		std::memcpy(dgram.from.addr, remote, sizeof(remote));
		dgram.from.port = 53;
		dgram.len = 5;
		std::string dgram_bytes(reinterpret_cast<const char *>(&dgram), sizeof(dgram));
		write_inet_sock(w, udp, dgram_bytes, "hello");
		file.fd = 5;
		file.objref = udp.objref;
		write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
}

void write_unix_sock(cr::RecordWriter &w, ckpt_rec_unix_sock sock, std::string_view addr,
		     std::string_view path, std::string_view peer)
{
	sock.end.addr_len = static_cast<std::uint32_t>(addr.size());
	sock.path_len = static_cast<std::uint32_t>(path.size());
	sock.peer_len = static_cast<std::uint32_t>(peer.size());
	write_record(w, CKPT_REC_UNIX_SOCK, sock,
		     text_bytes(std::string(addr) + std::string(path) + std::string(peer)));
}

void write_unix_pair(cr::RecordWriter &w, ckpt_rec_unix_pair pair, std::string_view queues,
		     std::string_view addr0, std::string_view addr1)
{
	pair.end[0].addr_len = static_cast<std::uint32_t>(addr0.size());
	pair.end[1].addr_len = static_cast<std::uint32_t>(addr1.size());
	write_record(w, CKPT_REC_UNIX_PAIR, pair,
		     text_bytes(std::string(queues) + std::string(addr0) + std::string(addr1)));
}

Bytes unix_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "server", 6);
		write_record(w, CKPT_REC_TASK, task);

		ckpt_rec_file file{};
		file.kind = CKPT_FILE_UNIX;
		file.f_flags = O_RDWR;

		ckpt_rec_unix_sock listener{};
		listener.type = SOCK_STREAM;
		listener.backlog = 16;
		listener.mode = 0755;
		listener.end.objref = 9;
		listener.end.flags = CKPT_UNIX_NONBLOCK | CKPT_UNIX_BOUND | CKPT_UNIX_LISTENING;
		listener.end.peek_off = -1;
		write_unix_sock(w, listener, "srv.sock", "/run/app/srv.sock");
		file.fd = 3;
		file.f_flags = O_RDWR | O_NONBLOCK;
		file.objref = 9;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_unix_sock dgram{};
		dgram.type = SOCK_DGRAM;
		dgram.end.objref = 10;
		dgram.end.flags = CKPT_UNIX_PASSCRED | CKPT_UNIX_BOUND;
		dgram.end.peek_off = -1;
		write_unix_sock(w, dgram, std::string_view("\0app\0log", 8));
		file.fd = 4;
		file.f_flags = O_RDWR;
		file.objref = 10;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_unix_pair pair{};
		pair.type = SOCK_STREAM;
		pair.end[0].objref = 11;
		pair.end[0].peek_off = -1;
		pair.end[0].nr_msgs = 1;
		pair.end[0].len = 3;
		pair.end[1].objref = 12;
		pair.end[1].flags = CKPT_UNIX_BOUND;
		pair.end[1].peek_off = -1;
		std::uint32_t msg_len = 3;
		std::string queues(reinterpret_cast<const char *>(&msg_len), sizeof(msg_len));
		write_unix_pair(w, pair, queues + "hi!", "srv.sock", std::string_view("\0cli", 4));
		file.fd = 5;
		file.objref = 11;
		write_record(w, CKPT_REC_FILE, file);
		file.fd = 6;
		file.objref = 12;
		write_record(w, CKPT_REC_FILE, file);

		/* a client of a datagram server: unbound, connected one way */
		ckpt_rec_unix_sock client{};
		client.type = SOCK_DGRAM;
		client.end.objref = 13;
		client.end.peek_off = -1;
		write_unix_sock(w, client, {}, {}, "/run/app/log.sock");
		file.fd = 7;
		file.objref = 13;
		write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
}

void write_netlink_sock(cr::RecordWriter &w, const ckpt_rec_netlink_sock &sock,
			std::span<const std::uint64_t> groups)
{
	write_record(w, CKPT_REC_NETLINK_SOCK, sock, std::as_bytes(groups));
}

Bytes netlink_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "monitor", 7);
		write_record(w, CKPT_REC_TASK, task);

		ckpt_rec_file file{};
		file.kind = CKPT_FILE_NETLINK;

		ckpt_rec_netlink_sock raw{};
		raw.objref = 7;
		raw.type = SOCK_RAW;
		raw.protocol = NETLINK_ROUTE;
		raw.flags = CKPT_NETLINK_BOUND | CKPT_NETLINK_NONBLOCK | CKPT_NETLINK_EXT_ACK |
			    CKPT_NETLINK_STRICT_CHK | CKPT_NETLINK_RCVBUF;
		raw.portid = 4242;
		raw.ngroups = 72;
		raw.sndbuf = 212992;
		raw.rcvbuf = 1048576;
		const std::uint64_t groups[2] = {0x11, 0x1}; /* 1 and 5; 65 */
		write_netlink_sock(w, raw, groups);
		file.fd = 3;
		file.f_flags = O_RDWR | O_NONBLOCK;
		file.objref = 7;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_netlink_sock dgram{};
		dgram.objref = 8;
		dgram.type = SOCK_DGRAM;
		dgram.protocol = NETLINK_ROUTE;
		dgram.flags = CKPT_NETLINK_BOUND | CKPT_NETLINK_CONNECTED | CKPT_NETLINK_PKTINFO |
			      CKPT_NETLINK_PASSCRED | CKPT_NETLINK_SNDBUF;
		dgram.portid = 4243;
		dgram.dst_portid = 0;
		dgram.dst_group = 3;
		dgram.sndbuf = 65536;
		dgram.rcvbuf = 212992;
		dgram.sndtimeo_ns = 250000000;
		dgram.rcvtimeo_ns = 2000000000;
		write_netlink_sock(w, dgram);
		file.fd = 4;
		file.f_flags = O_RDWR;
		file.objref = 8;
		write_record(w, CKPT_REC_FILE, file);

		ckpt_rec_netlink_sock unbound{};
		unbound.objref = 9;
		unbound.type = SOCK_RAW;
		unbound.protocol = NETLINK_ROUTE;
		unbound.sndbuf = 212992;
		unbound.rcvbuf = 212992;
		write_netlink_sock(w, unbound);
		file.fd = 5;
		file.objref = 9;
		write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
}

Bytes mlock_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242, 2);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "db", 2);
		task.mm_flags = CKPT_MM_THP_DISABLE | CKPT_MM_LOCK_FUTURE | CKPT_MM_LOCK_ONFAULT;
		write_record(w, CKPT_REC_TASK, task);

		std::string_view exe = "/usr/bin/db";
		ckpt_rec_mm mm{};
		mm.nr_vmas = 3;
		mm.exe_len = static_cast<std::uint32_t>(exe.size());
		write_record(w, CKPT_REC_MM, mm, text_bytes(exe));
		/* shared file mappings: no MAPPED_FILE, no PAGES */
		write_vma(w, 0x7f0000000000, 0x7f0000004000, CKPT_VMA_FILE, PROT_READ | PROT_WRITE,
			  CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE, "/var/lib/db/data");
		write_vma(w, 0x7f0000010000, 0x7f0000011000, CKPT_VMA_FILE, PROT_READ,
			  CKPT_VMA_SHARED, "/etc/db.conf");
		write_vma(w, 0x7f0000020000, 0x7f0000022000, CKPT_VMA_ANON, PROT_READ | PROT_WRITE,
			  CKPT_VMA_LOCKED | CKPT_VMA_LOCKONFAULT, "");
		write_pages(w, 0x7f0000020000, 1);

		task.pid = 4243;
		task.mm_flags = CKPT_MM_LOCK_FUTURE;
		write_record(w, CKPT_REC_TASK, task);
		w.write_tail();
	});
}

void write_file_owner(cr::RecordWriter &w, std::uint32_t objref, std::int32_t fd, std::int32_t pid,
		      std::uint32_t type, std::int32_t signum)
{
	ckpt_rec_file_owner owner{};
	owner.objref = objref;
	owner.fd = fd;
	owner.pid = pid;
	owner.type = type;
	owner.signum = signum;
	write_record(w, CKPT_REC_FILE_OWNER, owner);
}

Bytes sigio_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242, 2);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "nginx", 5);
		write_record(w, CKPT_REC_TASK, task);

		ckpt_rec_file file{};
		file.fd = 3;
		file.kind = CKPT_FILE_PIPE;
		file.f_flags = O_RDONLY | O_ASYNC;
		file.objref = 5;
		file.pipe = 1;
		write_record(w, CKPT_REC_FILE, file);
		write_file_owner(w, 5, 3, 4242, CKPT_OWNER_PID, SIGRTMIN + 1);

		file = ckpt_rec_file{};
		file.fd = 4;
		file.kind = CKPT_FILE_UNIX;
		file.f_flags = O_RDWR | O_NONBLOCK | O_ASYNC;
		file.objref = 6;
		write_record(w, CKPT_REC_FILE, file);
		write_file_owner(w, 6, 4, 4243, CKPT_OWNER_TID, 0);

		std::string_view null = "/dev/null";
		file = ckpt_rec_file{};
		file.fd = 5;
		file.kind = CKPT_FILE_CHR;
		file.f_flags = O_RDONLY;
		file.objref = 7;
		file.rdev = 1 << 20 | 3;
		file.path_len = static_cast<std::uint32_t>(null.size());
		write_record(w, CKPT_REC_FILE, file, text_bytes(null));
		write_file_owner(w, 7, 5, 0, CKPT_OWNER_TID, SIGUSR2);
		file.fd = 6;
		file.objref = 8;
		write_record(w, CKPT_REC_FILE, file, text_bytes(null));
		write_file_owner(w, 8, 6, 4242, CKPT_OWNER_PGRP, 0);

		task.pid = 4243;
		write_record(w, CKPT_REC_TASK, task);
		w.write_tail();
	});
}

void write_memfd(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags, std::uint64_t size,
		 std::uint32_t seals, std::uint32_t mode, std::string_view name)
{
	ckpt_rec_memfd memfd{};
	memfd.objref = objref;
	memfd.flags = flags;
	memfd.size = size;
	memfd.seals = seals;
	memfd.mode = mode;
	memfd.name_len = static_cast<std::uint32_t>(name.size());
	write_record(w, CKPT_REC_MEMFD, memfd, text_bytes(name));
}

Bytes memfd_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242, 2);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "wayland", 7);
		write_record(w, CKPT_REC_TASK, task);

		std::string_view exe = "/usr/bin/wayland";
		ckpt_rec_mm mm{};
		mm.nr_vmas = 2;
		mm.exe_len = static_cast<std::uint32_t>(exe.size());
		write_record(w, CKPT_REC_MM, mm, text_bytes(exe));
		/* a new memfd, its contents, then a shared mapping of it: no PAGES after it */
		write_memfd(w, 5, CKPT_MEMFD_NEW, 10000, memfd_seals_ring, 0600, "ring");
		write_pages(w, 0, 2);
		write_vma(w, 0x7f0000000000, 0x7f0000003000, CKPT_VMA_MEMFD, PROT_READ | PROT_WRITE,
			  CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE, "");
		/* the same memfd again, mapped privately, with the page it copied on write */
		write_memfd(w, 5, 0, 0, 0, 0, "");
		write_vma(w, 0x7f0000010000, 0x7f0000012000, CKPT_VMA_MEMFD, PROT_READ | PROT_WRITE,
			  0, "");
		write_pages(w, 0x7f0000010000, 1);

		ckpt_rec_file file{};
		file.fd = 3;
		file.kind = CKPT_FILE_MEMFD;
		file.f_flags = O_RDWR;
		file.objref = 6;
		file.memfd = 5;
		write_record(w, CKPT_REC_FILE, file);
		/* a second memfd, first named by its FILE record: all zeroes, no PAGES */
		write_memfd(w, 7, CKPT_MEMFD_NEW, 4096, memfd_seals_jit, 0700, "jit code");
		file.fd = 4;
		file.f_flags = O_RDONLY;
		file.fd_flags = CKPT_FD_CLOEXEC;
		file.objref = 8;
		file.memfd = 7;
		write_record(w, CKPT_REC_FILE, file);

		/* the child holds the first open file too, after fork(): no MEMFD record */
		task.pid = 4243;
		write_record(w, CKPT_REC_TASK, task);
		file.fd = 3;
		file.f_flags = O_RDWR;
		file.fd_flags = 0;
		file.objref = 6;
		file.memfd = 5;
		write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
}

void write_deleted_file(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t flags,
			std::uint64_t size, std::uint32_t mode, std::string_view path)
{
	ckpt_rec_deleted_file deleted{};
	deleted.objref = objref;
	deleted.flags = flags;
	deleted.size = size;
	deleted.mode = mode;
	deleted.path_len = static_cast<std::uint32_t>(path.size());
	write_record(w, CKPT_REC_DELETED_FILE, deleted, text_bytes(path));
}

Bytes deleted_file_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_tree(w, 4242, 2);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "logger", 6);
		write_record(w, CKPT_REC_TASK, task);

		std::string_view exe = "/usr/bin/logger";
		ckpt_rec_mm mm{};
		mm.nr_vmas = 3;
		mm.exe_len = static_cast<std::uint32_t>(exe.size());
		write_record(w, CKPT_REC_MM, mm, text_bytes(exe));
		/* an anonymous mapping with a page, right before the deleted file */
		write_vma(w, 0x600000, 0x602000, CKPT_VMA_ANON, PROT_READ | PROT_WRITE, 0, "");
		write_pages(w, 0x600000, 1);
		/* a new deleted file, its contents, then a shared mapping of it: no PAGES */
		write_deleted_file(w, 5, CKPT_DELETED_NEW, 10000, 0640, "/var/log/app.log");
		write_pages(w, 0, 2);
		write_vma(w, 0x7f0000000000, 0x7f0000003000, CKPT_VMA_DELETED,
			  PROT_READ | PROT_WRITE, CKPT_VMA_SHARED | CKPT_VMA_MAYWRITE, "");
		/* the same file again, mapped privately, with the page it copied on write */
		write_deleted_file(w, 5, 0, 0, 0, "");
		write_vma(w, 0x7f0000010000, 0x7f0000012000, CKPT_VMA_DELETED, PROT_READ, 0, "");
		write_pages(w, 0x7f0000010000, 1);

		ckpt_rec_file file{};
		file.fd = 3;
		file.kind = CKPT_FILE_DELETED;
		file.f_flags = O_RDWR | O_APPEND;
		file.objref = 6;
		file.deleted = 5;
		write_record(w, CKPT_REC_FILE, file);
		/* a second file, an O_TMPFILE one, first named by its FILE record: no PAGES */
		write_deleted_file(w, 7, CKPT_DELETED_NEW, 4096, 0600, "/tmp/scratch");
		file.fd = 4;
		file.f_flags = O_RDONLY;
		file.fd_flags = CKPT_FD_CLOEXEC;
		file.objref = 8;
		file.deleted = 7;
		write_record(w, CKPT_REC_FILE, file);

		/* the child holds the first open file too, after fork(): no DELETED_FILE record */
		task.pid = 4243;
		write_record(w, CKPT_REC_TASK, task);
		file.fd = 3;
		file.f_flags = O_RDWR | O_APPEND;
		file.fd_flags = 0;
		file.objref = 6;
		file.deleted = 5;
		write_record(w, CKPT_REC_FILE, file);
		w.write_tail();
	});
}

void write_namespace(cr::RecordWriter &w, std::uint32_t objref, std::uint32_t kind,
		     std::int32_t pid)
{
	ckpt_rec_namespace ns{};
	ns.objref = objref;
	ns.kind = kind;
	ns.pid = pid;
	write_record(w, CKPT_REC_NAMESPACE, ns);
}

ckpt_task_ids task_ids(std::int32_t pid, std::int32_t ppid, std::int32_t pgid, std::int32_t sid,
		       std::uint32_t uts_ns, std::uint32_t ipc_ns)
{
	ckpt_task_ids t{};
	t.pid = t.tgid = pid;
	t.ppid = ppid;
	t.pgid = pgid;
	t.sid = sid;
	t.flags = (sid == pid ? CKPT_TASK_SESSION_LEADER : 0) |
		  (pgid == pid ? CKPT_TASK_GROUP_LEADER : 0);
	t.uts_ns = uts_ns;
	t.ipc_ns = ipc_ns;
	return t;
}

void write_tree_of(cr::RecordWriter &w, std::span<const ckpt_task_ids> tasks)
{
	ckpt_rec_tree tree{};
	tree.nr_tasks = static_cast<std::uint32_t>(tasks.size());
	tree.task_size = sizeof(ckpt_task_ids);
	write_record(w, CKPT_REC_TREE, tree, std::as_bytes(tasks));
}

ckpt_rec_ipc_ns sample_ipc_ns()
{
	ckpt_rec_ipc_ns ipc{};
	ipc.objref = 4;
	ipc.nr_shm = 2;
	ipc.shm_ctlmax = 0x100000000;
	ipc.shm_ctlall = 2097152;
	ipc.shm_ctlmni = 4096;
	ipc.shm_rmid_forced = 1;
	ipc.msg_ctlmax = 8192;
	ipc.msg_ctlmnb = 16384;
	ipc.msg_ctlmni = 32000;
	ipc.sem_ctls[0] = 32000;
	ipc.sem_ctls[1] = 1024000000;
	ipc.sem_ctls[2] = 500;
	ipc.sem_ctls[3] = 32000;
	ipc.mq_queues_max = 256;
	ipc.mq_msg_max = 10;
	ipc.mq_msgsize_max = 8192;
	ipc.mq_msg_default = 9;
	ipc.mq_msgsize_default = 4096;
	ipc.nr_sem = 2;
	ipc.ids[0] = ckpt_ipc_ids{3, 1, 2, 0};
	ipc.ids[1] = ckpt_ipc_ids{0, -1, 0, 0};
	ipc.ids[2] = ckpt_ipc_ids{1, 1, 2, 0};
	return ipc;
}

void write_sysv_sem(cr::RecordWriter &w, std::uint32_t which)
{
	ckpt_rec_sysv_sem sem{};
	std::vector<ckpt_sem> sems;
	if (which == 0) {
		sem.key = 0xabce;
		sem.id = 0;
		sem.uid = sem.gid = sem.cuid = 1000;
		sem.cgid = 100;
		sem.mode = 0660;
		sem.otime = 1700000200;
		sem.ctime = 1700000000;
		sems = {{1, 4243}, {0, 0}, {5, 4244}};
	} else {
		sem.id = 32769;
		sem.uid = 1234;
		sem.gid = 5678;
		sem.mode = 0604;
		sem.ctime = 1700000300;
		for (std::int32_t i = 0; i < 20; i++)
			sems.push_back(ckpt_sem{i * 100, i < 2 ? 4244 : 0});
	}
	sem.nsems = static_cast<std::uint32_t>(sems.size());
	write_record(w, CKPT_REC_SYSV_SEM, sem, std::as_bytes(std::span(sems)));
}

void write_sem_undo(cr::RecordWriter &w, std::int32_t id, std::span<const std::int16_t> adj)
{
	ckpt_rec_sem_undo undo{};
	undo.id = id;
	undo.nsems = static_cast<std::uint32_t>(adj.size());
	write_record(w, CKPT_REC_SEM_UNDO, undo, std::as_bytes(adj));
}

ckpt_rec_sysv_shm sample_sysv_shm(std::uint32_t objref)
{
	ckpt_rec_sysv_shm shm{};
	shm.objref = objref;
	if (objref == 5) {
		shm.flags = CKPT_SYSV_SHM_NEW;
		shm.key = 0xabcd;
		shm.id = 32768;
		shm.uid = shm.gid = shm.cuid = 1000;
		shm.cgid = 100;
		shm.mode = 0640;
		shm.cpid = 4243;
		shm.lpid = 4244;
		shm.size = 10000;
		shm.atime = 1700000100;
		shm.dtime = 1700000050;
		shm.ctime = 1700000000;
	} else if (objref == 6) {
		shm.flags = CKPT_SYSV_SHM_NEW | CKPT_SYSV_SHM_RMID;
		shm.id = 65537;
		shm.mode = 0600;
		shm.lpid = 4243;
		shm.size = 4096;
	}
	return shm;
}

Bytes namespace_image()
{
	return build_image([](cr::RecordWriter &w) {
		w.write_header(cr::make_header(4242, 0));
		write_namespace(w, 3, CKPT_NS_UTS, 4243);
		write_namespace(w, 4, CKPT_NS_IPC, 4243);
		const ckpt_task_ids tasks[] = {
			task_ids(4242, 0, 4242, 4242),
			task_ids(4243, 4242, 4242, 4242, 3, 4),
			task_ids(4244, 4243, 4242, 4242, 3, 4),
		};
		write_tree_of(w, tasks);
		ckpt_rec_task task{};
		task.pid = 4242;
		std::memcpy(task.comm, "init", 4);
		write_record(w, CKPT_REC_TASK, task);

		task.pid = 4243;
		std::memcpy(task.comm, "db\0", 3);
		write_record(w, CKPT_REC_TASK, task);
		ckpt_rec_uts_ns uts{};
		uts.objref = 3;
		std::memcpy(uts.nodename, "box", 3);
		std::memcpy(uts.domainname, "example.org", 11);
		write_record(w, CKPT_REC_UTS_NS, uts);
		write_record(w, CKPT_REC_IPC_NS, sample_ipc_ns());
		write_record(w, CKPT_REC_SYSV_SHM, sample_sysv_shm(5));
		write_pages(w, 0, 2);
		write_record(w, CKPT_REC_SYSV_SHM, sample_sysv_shm(6));
		write_sysv_sem(w, 0);
		write_sysv_sem(w, 1);
		const std::int16_t adj[] = {0, -1, 3};
		write_sem_undo(w, 0, adj);
		std::string_view exe = "/usr/bin/db";
		ckpt_rec_mm mm{};
		mm.nr_vmas = 1;
		mm.exe_len = static_cast<std::uint32_t>(exe.size());
		write_record(w, CKPT_REC_MM, mm, text_bytes(exe));
		ckpt_rec_sysv_shm again{};
		again.objref = 5;
		write_record(w, CKPT_REC_SYSV_SHM, again);
		write_vma(w, 0x7f0000000000, 0x7f0000003000, CKPT_VMA_SYSV_SHM,
			  PROT_READ | PROT_WRITE, 0, "");

		task.pid = 4244;
		write_record(w, CKPT_REC_TASK, task);
		std::int16_t adj20[20] = {};
		adj20[0] = 2;
		adj20[19] = -2;
		write_sem_undo(w, 32769, adj20);
		write_record(w, CKPT_REC_SYSV_SHM, again);
		write_vma(w, 0x7f0000000000, 0x7f0000003000, CKPT_VMA_SYSV_SHM, PROT_READ, 0, "");
		w.write_tail();
	});
}

void write_posix_timers(cr::RecordWriter &w, std::int32_t next_id,
			std::span<const ckpt_posix_timer> timers)
{
	ckpt_rec_posix_timers rec{};
	rec.next_id = next_id;
	rec.nr_timers = static_cast<std::uint32_t>(timers.size());
	write_record(w, CKPT_REC_POSIX_TIMERS, rec, std::as_bytes(timers));
}

void write_process(cr::RecordWriter &w, std::int32_t pid)
{
	ckpt_rec_task task{};
	task.pid = pid;
	std::memcpy(task.comm, "sleep", 5);
	task.exit_signal = SIGCHLD;
	task.umask = 022;
	write_record(w, CKPT_REC_TASK, task);

	ckpt_rec_creds creds{};
	creds.uid = creds.euid = creds.suid = creds.fsuid = 1000;
	creds.gid = creds.egid = creds.sgid = creds.fsgid = 1000;
	creds.euid = 0;
	creds.cap_effective = 0x1ff;
	creds.flags = CKPT_CREDS_NO_NEW_PRIVS;
	creds.ngroups = 3;
	std::uint32_t groups[] = {4, 24, 27};
	write_record(w, CKPT_REC_CREDS, creds, std::as_bytes(std::span(groups)));

	ckpt_rec_cpu_x86_64 cpu{};
	cpu.regs[cr::x86_64_ip_reg] = 0x401000;
	cpu.regs[cr::x86_64_sp_reg] = 0x7ffc0000fff0;
	cpu.xfeatures = 0x7;
	cpu.xsave_size = 832;
	write_record(w, CKPT_REC_CPU_X86_64, cpu, Bytes(832));

	std::string_view exe = "/usr/bin/sleep";
	ckpt_rec_mm mm{};
	mm.start_code = 0x400000;
	mm.end_code = 0x402000;
	mm.start_brk = 0x600000;
	mm.brk = 0x625000;
	mm.start_stack = 0x7ffc00020000;
	mm.vdso = 0x7fff00000000;
	mm.nr_vmas = 4;
	mm.exe_len = static_cast<std::uint32_t>(exe.size());
	write_record(w, CKPT_REC_MM, mm, text_bytes(exe));

	ckpt_rec_mapped_file mapped{};
	mapped.size = 35336;
	mapped.mtime_sec = 1700000000;
	mapped.mtime_nsec = 123456789;
	write_record(w, CKPT_REC_MAPPED_FILE, mapped);
	write_vma(w, 0x400000, 0x402000, CKPT_VMA_FILE, PROT_READ | PROT_EXEC, 0, exe);
	write_pages(w, 0x400000, 2);
	write_vma(w, 0x600000, 0x625000, CKPT_VMA_ANON, PROT_READ | PROT_WRITE, 0, "");
	write_pages(w, 0x600000, 10);
	write_pages(w, 0x610000, 20);
	write_pages(w, 0x61e000, 7);
	write_vma(w, 0x7ffc00000000, 0x7ffc00021000, CKPT_VMA_ANON, PROT_READ | PROT_WRITE,
		  CKPT_VMA_GROWSDOWN, "");
	write_pages(w, 0x7ffc00020000, 1);
	write_vma(w, 0x7fff00000000, 0x7fff00002000, CKPT_VMA_VDSO, PROT_READ | PROT_EXEC, 0, "");

	std::string_view cwd = "/home/user";
	std::string_view root = "/srv/jail";
	ckpt_rec_fs fs{};
	fs.cwd_len = static_cast<std::uint32_t>(cwd.size());
	fs.root_len = static_cast<std::uint32_t>(root.size());
	write_record(w, CKPT_REC_FS, fs, text_bytes(std::string(cwd) + std::string(root)));

	write_file(w, 0, CKPT_FILE_TTY, O_RDWR, 0, 0, 0, "/dev/pts/0");
	write_file(w, 1, CKPT_FILE_CHR, O_WRONLY, 0, 0, 1 << 20 | 3, "/dev/null");
	write_file(w, 3, CKPT_FILE_REG, O_RDONLY, CKPT_FD_CLOEXEC, 1234, 0, "/etc/passwd");

	write_inotify(w, inotify_objref, CKPT_INOTIFY_NONBLOCK, 4);
	write_inotify_watch(w, inotify_objref, 1, IN_CREATE | IN_DELETE, "/tmp/x");
	write_inotify_watch(w, inotify_objref, 3, IN_MODIFY | IN_CLOSE_WRITE | IN_ONESHOT,
			    "/home/user/notes.txt");
	write_inotify_event(w, inotify_objref, 1, IN_CREATE, 0, "a");
	ckpt_rec_file inotify{};
	inotify.fd = 4;
	inotify.kind = CKPT_FILE_INOTIFY;
	inotify.f_flags = O_RDONLY | O_NONBLOCK;
	inotify.objref = inotify_objref;
	std::string_view anon = "anon_inode:inotify";
	inotify.path_len = static_cast<std::uint32_t>(anon.size());
	write_record(w, CKPT_REC_FILE, inotify, text_bytes(anon));

	ckpt_rec_sighand sighand{};
	sighand.action[SIGINT - 1].handler = 0x401234;
	sighand.action[SIGPIPE - 1].handler = 1; /* SIG_IGN */
	sighand.blocked = std::uint64_t{1} << (SIGCHLD - 1);
	write_record(w, CKPT_REC_SIGHAND, sighand);

	/* timer 1 was deleted: the ids are 0 and 2, timer_create() gives 3 next */
	ckpt_posix_timer timers[2]{};
	timers[0].id = 0;
	timers[0].clockid = CLOCK_MONOTONIC;
	timers[0].notify = SIGEV_SIGNAL;
	timers[0].signo = 35; /* SIGRTMIN + 1 with glibc */
	timers[0].sigval = 0x2a;
	timers[0].flags = CKPT_PTIMER_ARMED;
	timers[0].value_ns = 1500000000;
	timers[0].interval_ns = 250000000;
	timers[0].requeue = 6;
	timers[1].id = 2;
	timers[1].clockid = CLOCK_REALTIME;
	timers[1].notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
	timers[1].signo = SIGUSR1;
	timers[1].sigval = 0x7f0000001000;
	timers[1].tid = pid;
	/* expired at its deadline: rearmed when its signal is delivered */
	timers[1].flags = CKPT_PTIMER_ABSTIME | CKPT_PTIMER_SIGPENDING;
	timers[1].value_ns = 1795873207000000000;
	timers[1].interval_ns = 1000000000;
	timers[1].overrun = 3;
	timers[1].overrun_last = 1;
	timers[1].sig_overrun = 2;
	timers[1].requeue = 9;
	timers[1].sig_private = 9;
	write_posix_timers(w, 3, timers);
}

Bytes process_image(std::int32_t pid, std::uint32_t nr_tasks)
{
	return build_image([pid, nr_tasks](cr::RecordWriter &w) {
		w.write_header(cr::make_header(static_cast<std::uint32_t>(pid), 0));
		write_tree(w, pid, nr_tasks);
		write_process(w, pid);
		w.write_tail();
	});
}

cr::Fd pipe_with(std::span<const std::byte> data)
{
	cr::Pipe p = cr::make_pipe();
	int size = ::fcntl(p.write.get(), F_GETPIPE_SZ);
	if (size < 0 || data.size() > static_cast<std::size_t>(size))
		throw cr::Error(EFBIG, "test data does not fit in a pipe");
	cr::write_all(p.write.get(), data);
	return std::move(p.read);
}

cr::Fd memfd_with(std::span<const std::byte> data)
{
	cr::Fd fd = cr::make_memfd("crtest-data");
	cr::write_all(fd.get(), data);
	if (::lseek(fd.get(), 0, SEEK_SET) != 0)
		throw cr::Error::from_errno("lseek");
	return fd;
}

PipeFeeder::PipeFeeder(Bytes data, std::size_t chunk)
{
	/* A reader that stops early must make write() fail, not kill the test. */
	std::signal(SIGPIPE, SIG_IGN);
	cr::Pipe p = cr::make_pipe();
	read_ = std::move(p.read);
	thread_ = std::thread([data = std::move(data), chunk, w = std::move(p.write)]() {
		std::span<const std::byte> rest(data);
		try {
			while (!rest.empty()) {
				std::size_t n = std::min(chunk, rest.size());
				cr::write_all(w.get(), rest.first(n));
				rest = rest.subspan(n);
			}
		} catch (const cr::Error &) {
			/* EPIPE: the reader stopped early, as it may. */
		}
	});
}

PipeFeeder::~PipeFeeder()
{
	/* Unblocks a writer the reader abandoned. */
	read_.reset();
	thread_.join();
}

std::optional<cr::Error> read_through(int fd)
{
	cr::RecordReader reader(fd);
	try {
		while (reader.next())
			;
	} catch (const cr::Error &e) {
		return e;
	}
	return std::nullopt;
}

std::optional<cr::Error> read_through(const Bytes &data)
{
	cr::Fd fd = pipe_with(data);
	return read_through(fd.get());
}

} // namespace crtest

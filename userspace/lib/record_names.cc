// SPDX-License-Identifier: LGPL-2.1-or-later
#include "record_names.h"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <initializer_list>
#include <linux/checkpoint_hdr.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string_view>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>

namespace cr {

namespace {

/*
 * The kernel sets O_LARGEFILE in the flags of every file a 64-bit
 * process opens; the C library defines O_LARGEFILE as 0 there.
 */
#if defined(__aarch64__)
constexpr std::uint32_t kernel_o_largefile = 0400000;
#else
constexpr std::uint32_t kernel_o_largefile = 0100000; /* asm-generic, x86 */
#endif

/*
 * The F_SEAL_* bits of a memfd, as the kernel's <linux/fcntl.h> has them:
 * the C library may lack the newer ones (F_SEAL_FUTURE_WRITE, Linux 5.1;
 * F_SEAL_EXEC, Linux 6.3).
 */
constexpr std::uint32_t seal_seal = 0x0001;
constexpr std::uint32_t seal_shrink = 0x0002;
constexpr std::uint32_t seal_grow = 0x0004;
constexpr std::uint32_t seal_write = 0x0008;
constexpr std::uint32_t seal_future_write = 0x0010;
constexpr std::uint32_t seal_exec = 0x0020;
#ifdef F_SEAL_SEAL
static_assert(F_SEAL_SEAL == seal_seal && F_SEAL_SHRINK == seal_shrink &&
	      F_SEAL_GROW == seal_grow && F_SEAL_WRITE == seal_write);
#endif
#ifdef F_SEAL_FUTURE_WRITE
static_assert(F_SEAL_FUTURE_WRITE == seal_future_write);
#endif
#ifdef F_SEAL_EXEC
static_assert(F_SEAL_EXEC == seal_exec);
#endif

struct FlagName {
	std::uint32_t bit;
	const char *name;
};

/* The names of the set bits joined with @sep, unknown bits in hex, "none" for 0. */
std::string flag_names(std::uint32_t flags, std::initializer_list<FlagName> known,
		       std::string_view sep = "|")
{
	if (flags == 0)
		return "none";
	std::string names;
	for (const FlagName &f : known) {
		if (f.bit == 0 || (flags & f.bit) != f.bit)
			continue;
		names += fmt::format("{}{}", names.empty() ? "" : sep, f.name);
		flags &= ~f.bit;
	}
	if (flags)
		names += fmt::format("{}{:#x}", names.empty() ? "" : sep, flags);
	return names;
}

} // namespace

std::string record_type_name(std::uint32_t type)
{
	switch (type) {
	case CKPT_REC_HEADER:
		return "HEADER";
	case CKPT_REC_TAIL:
		return "TAIL";
	case CKPT_REC_ERROR:
		return "ERROR";
	case CKPT_REC_PADDING:
		return "PADDING";
	case CKPT_REC_TREE:
		return "TREE";
	case CKPT_REC_TASK:
		return "TASK";
	case CKPT_REC_CREDS:
		return "CREDS";
	case CKPT_REC_RLIMITS:
		return "RLIMITS";
	case CKPT_REC_SCHED:
		return "SCHED";
	case CKPT_REC_RESTART_BLOCK:
		return "RESTART_BLOCK";
	case CKPT_REC_SHARE:
		return "SHARE";
	case CKPT_REC_CPU_X86_64:
		return "CPU_X86_64";
	case CKPT_REC_MM:
		return "MM";
	case CKPT_REC_VMA:
		return "VMA";
	case CKPT_REC_PAGES:
		return "PAGES";
	case CKPT_REC_SHMEM:
		return "SHMEM";
	case CKPT_REC_MEMFD:
		return "MEMFD";
	case CKPT_REC_MAPPED_FILE:
		return "MAPPED_FILE";
	case CKPT_REC_FILE:
		return "FILE";
	case CKPT_REC_FS:
		return "FS";
	case CKPT_REC_PIPE_DATA:
		return "PIPE_DATA";
	case CKPT_REC_PTY:
		return "PTY";
	case CKPT_REC_EVENTFD:
		return "EVENTFD";
	case CKPT_REC_SIGNALFD:
		return "SIGNALFD";
	case CKPT_REC_TIMERFD:
		return "TIMERFD";
	case CKPT_REC_EPOLL:
		return "EPOLL";
	case CKPT_REC_FILE_LOCK:
		return "FILE_LOCK";
	case CKPT_REC_FILE_OWNER:
		return "FILE_OWNER";
	case CKPT_REC_DELETED_FILE:
		return "DELETED_FILE";
	case CKPT_REC_INOTIFY:
		return "INOTIFY";
	case CKPT_REC_INOTIFY_WATCH:
		return "INOTIFY_WATCH";
	case CKPT_REC_INOTIFY_EVENT:
		return "INOTIFY_EVENT";
	case CKPT_REC_UNIX_PAIR:
		return "UNIX_PAIR";
	case CKPT_REC_INET_SOCK:
		return "INET_SOCK";
	case CKPT_REC_UNIX_SOCK:
		return "UNIX_SOCK";
	case CKPT_REC_NETLINK_SOCK:
		return "NETLINK_SOCK";
	case CKPT_REC_SIGHAND:
		return "SIGHAND";
	case CKPT_REC_SIGPENDING:
		return "SIGPENDING";
	case CKPT_REC_ITIMERS:
		return "ITIMERS";
	case CKPT_REC_POSIX_TIMERS:
		return "POSIX_TIMERS";
	case CKPT_REC_SYSV_SHM:
		return "SYSV_SHM";
	case CKPT_REC_SYSV_SEM:
		return "SYSV_SEM";
	case CKPT_REC_SEM_UNDO:
		return "SEM_UNDO";
	case CKPT_REC_NAMESPACE:
		return "NAMESPACE";
	case CKPT_REC_UTS_NS:
		return "UTS_NS";
	case CKPT_REC_IPC_NS:
		return "IPC_NS";
	default:
		return fmt::format("{:#010x}", type);
	}
}

bool is_known_record_type(std::uint32_t type) noexcept
{
	switch (type) {
	case CKPT_REC_HEADER:
	case CKPT_REC_TAIL:
	case CKPT_REC_ERROR:
	case CKPT_REC_PADDING:
	case CKPT_REC_TREE:
	case CKPT_REC_TASK:
	case CKPT_REC_CREDS:
	case CKPT_REC_RLIMITS:
	case CKPT_REC_SCHED:
	case CKPT_REC_RESTART_BLOCK:
	case CKPT_REC_SHARE:
	case CKPT_REC_CPU_X86_64:
	case CKPT_REC_MM:
	case CKPT_REC_VMA:
	case CKPT_REC_PAGES:
	case CKPT_REC_SHMEM:
	case CKPT_REC_MEMFD:
	case CKPT_REC_MAPPED_FILE:
	case CKPT_REC_FILE:
	case CKPT_REC_FS:
	case CKPT_REC_PIPE_DATA:
	case CKPT_REC_PTY:
	case CKPT_REC_EVENTFD:
	case CKPT_REC_SIGNALFD:
	case CKPT_REC_TIMERFD:
	case CKPT_REC_EPOLL:
	case CKPT_REC_FILE_LOCK:
	case CKPT_REC_FILE_OWNER:
	case CKPT_REC_DELETED_FILE:
	case CKPT_REC_INOTIFY:
	case CKPT_REC_INOTIFY_WATCH:
	case CKPT_REC_INOTIFY_EVENT:
	case CKPT_REC_UNIX_PAIR:
	case CKPT_REC_INET_SOCK:
	case CKPT_REC_UNIX_SOCK:
	case CKPT_REC_NETLINK_SOCK:
	case CKPT_REC_SIGHAND:
	case CKPT_REC_SIGPENDING:
	case CKPT_REC_ITIMERS:
	case CKPT_REC_POSIX_TIMERS:
	case CKPT_REC_SYSV_SHM:
	case CKPT_REC_SYSV_SEM:
	case CKPT_REC_SEM_UNDO:
	case CKPT_REC_NAMESPACE:
	case CKPT_REC_UTS_NS:
	case CKPT_REC_IPC_NS:
		return true;
	default:
		return false;
	}
}

std::string arch_name(std::uint16_t arch)
{
	switch (arch) {
	case CKPT_ARCH_X86_64:
		return "x86_64";
	case CKPT_ARCH_ARM64:
		return "arm64";
	default:
		return fmt::format("unknown ({})", arch);
	}
}

std::string image_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_IMAGE_CONTAINER, "CONTAINER"}});
}

std::string csum_type_name(std::uint32_t csum_type)
{
	if (csum_type == CKPT_CSUM_CRC32)
		return "crc32";
	return fmt::format("unknown ({})", csum_type);
}

std::string task_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_TASK_SESSION_LEADER, "SESSION_LEADER"},
				  {CKPT_TASK_GROUP_LEADER, "GROUP_LEADER"},
				  {CKPT_TASK_ZOMBIE, "ZOMBIE"},
				  {CKPT_TASK_SUBREAPER, "SUBREAPER"},
				  {CKPT_TASK_CTTY, "CTTY"},
				  {CKPT_TASK_STOPPED, "STOPPED"},
				  {CKPT_TASK_STOP_WAITED, "STOP_WAITED"},
				  {CKPT_TASK_CTTY_PTY, "CTTY_PTY"}});
}

std::string prot_rwx(std::uint32_t prot)
{
	std::string s = "---";
	if (prot & PROT_READ)
		s[0] = 'r';
	if (prot & PROT_WRITE)
		s[1] = 'w';
	if (prot & PROT_EXEC)
		s[2] = 'x';
	prot &= ~static_cast<std::uint32_t>(PROT_READ | PROT_WRITE | PROT_EXEC);
	if (prot)
		s += fmt::format("+{:#x}", prot);
	return s;
}

std::string vma_kind_name(std::uint32_t kind)
{
	switch (kind) {
	case CKPT_VMA_ANON:
		return "anon";
	case CKPT_VMA_FILE:
		return "file";
	case CKPT_VMA_VDSO:
		return "vdso";
	case CKPT_VMA_VVAR:
		return "vvar";
	case CKPT_VMA_SHMEM:
		return "shared anon";
	case CKPT_VMA_MEMFD:
		return "memfd";
	case CKPT_VMA_DELETED:
		return "deleted";
	case CKPT_VMA_SYSV_SHM:
		return "sysv shm";
	default:
		return fmt::format("unknown ({})", kind);
	}
}

std::string vma_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_VMA_GROWSDOWN, "GROWSDOWN"},
				  {CKPT_VMA_DONTFORK, "DONTFORK"},
				  {CKPT_VMA_DONTDUMP, "DONTDUMP"},
				  {CKPT_VMA_HUGEPAGE, "HUGEPAGE"},
				  {CKPT_VMA_NOHUGEPAGE, "NOHUGEPAGE"},
				  {CKPT_VMA_MERGEABLE, "MERGEABLE"},
				  {CKPT_VMA_WIPEONFORK, "WIPEONFORK"},
				  {CKPT_VMA_SEQ_READ, "SEQ_READ"},
				  {CKPT_VMA_RAND_READ, "RAND_READ"},
				  {CKPT_VMA_SHARED, "SHARED"},
				  {CKPT_VMA_MAYWRITE, "MAYWRITE"},
				  {CKPT_VMA_LOCKED, "LOCKED"},
				  {CKPT_VMA_LOCKONFAULT, "LOCKONFAULT"},
				  {CKPT_VMA_NORESERVE, "NORESERVE"},
				  {CKPT_VMA_DROPPABLE, "DROPPABLE"}});
}

std::string file_kind_name(std::uint32_t kind)
{
	switch (kind) {
	case CKPT_FILE_REG:
		return "reg";
	case CKPT_FILE_DIR:
		return "dir";
	case CKPT_FILE_CHR:
		return "chr";
	case CKPT_FILE_TTY:
		return "tty";
	case CKPT_FILE_PIPE:
		return "pipe";
	case CKPT_FILE_PTY:
		return "pty";
	case CKPT_FILE_EVENTFD:
		return "eventfd";
	case CKPT_FILE_SIGNALFD:
		return "signalfd";
	case CKPT_FILE_TIMERFD:
		return "timerfd";
	case CKPT_FILE_EPOLL:
		return "epoll";
	case CKPT_FILE_FIFO:
		return "fifo";
	case CKPT_FILE_UNIX:
		return "unix";
	case CKPT_FILE_INOTIFY:
		return "inotify";
	case CKPT_FILE_INET:
		return "inet";
	case CKPT_FILE_NETLINK:
		return "netlink";
	case CKPT_FILE_MEMFD:
		return "memfd";
	case CKPT_FILE_DELETED:
		return "deleted";
	default:
		return fmt::format("unknown ({})", kind);
	}
}

std::string memfd_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_MEMFD_NEW, "NEW"}});
}

std::string deleted_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_DELETED_NEW, "NEW"}, {CKPT_DELETED_LINKABLE, "LINKABLE"}});
}

std::string sysv_shm_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_SYSV_SHM_NEW, "NEW"}, {CKPT_SYSV_SHM_RMID, "RMID"}});
}

std::string namespace_kind_name(std::uint32_t kind)
{
	switch (kind) {
	case CKPT_NS_UTS:
		return "UTS";
	case CKPT_NS_IPC:
		return "IPC";
	default:
		return fmt::format("unknown ({})", kind);
	}
}

std::string memfd_seals_names(std::uint32_t seals)
{
	return flag_names(seals, {{seal_seal, "F_SEAL_SEAL"},
				  {seal_shrink, "F_SEAL_SHRINK"},
				  {seal_grow, "F_SEAL_GROW"},
				  {seal_write, "F_SEAL_WRITE"},
				  {seal_future_write, "F_SEAL_FUTURE_WRITE"},
				  {seal_exec, "F_SEAL_EXEC"}});
}

std::string owner_type_name(std::uint32_t type)
{
	switch (type) {
	case CKPT_OWNER_TID:
		return "thread";
	case CKPT_OWNER_PID:
		return "process";
	case CKPT_OWNER_PGRP:
		return "process group";
	default:
		return fmt::format("unknown ({})", type);
	}
}

std::string io_signal_name(std::int32_t signum)
{
	if (signum == 0 || signum == SIGIO)
		return "SIGIO";
	return signal_full_name(signum);
}

std::string pty_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_PTY_LOCKED, "LOCKED"},
				  {CKPT_PTY_PACKET, "PACKET"},
				  {CKPT_PTY_SLAVE_CLOSED, "SLAVE_CLOSED"},
				  {CKPT_PTY_STOPPED, "STOPPED"}});
}

std::string timerfd_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_TIMERFD_NONBLOCK, "NONBLOCK"},
				  {CKPT_TIMERFD_ABSTIME, "ABSTIME"},
				  {CKPT_TIMERFD_CANCEL_ON_SET, "CANCEL_ON_SET"},
				  {CKPT_TIMERFD_CANCELED, "CANCELED"}});
}

std::string inotify_mask_names(std::uint32_t mask)
{
	return flag_names(mask, {{IN_ACCESS, "IN_ACCESS"},
				 {IN_MODIFY, "IN_MODIFY"},
				 {IN_ATTRIB, "IN_ATTRIB"},
				 {IN_CLOSE_WRITE, "IN_CLOSE_WRITE"},
				 {IN_CLOSE_NOWRITE, "IN_CLOSE_NOWRITE"},
				 {IN_OPEN, "IN_OPEN"},
				 {IN_MOVED_FROM, "IN_MOVED_FROM"},
				 {IN_MOVED_TO, "IN_MOVED_TO"},
				 {IN_CREATE, "IN_CREATE"},
				 {IN_DELETE, "IN_DELETE"},
				 {IN_DELETE_SELF, "IN_DELETE_SELF"},
				 {IN_MOVE_SELF, "IN_MOVE_SELF"},
				 {IN_UNMOUNT, "IN_UNMOUNT"},
				 {IN_Q_OVERFLOW, "IN_Q_OVERFLOW"},
				 {IN_IGNORED, "IN_IGNORED"},
				 {IN_ONLYDIR, "IN_ONLYDIR"},
				 {IN_DONT_FOLLOW, "IN_DONT_FOLLOW"},
				 {IN_EXCL_UNLINK, "IN_EXCL_UNLINK"},
				 {IN_MASK_CREATE, "IN_MASK_CREATE"},
				 {IN_MASK_ADD, "IN_MASK_ADD"},
				 {IN_ISDIR, "IN_ISDIR"},
				 {IN_ONESHOT, "IN_ONESHOT"}});
}

std::string clock_name(std::int32_t clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
		return "CLOCK_REALTIME";
	case CLOCK_MONOTONIC:
		return "CLOCK_MONOTONIC";
	case CLOCK_PROCESS_CPUTIME_ID:
		return "CLOCK_PROCESS_CPUTIME_ID";
	case CLOCK_THREAD_CPUTIME_ID:
		return "CLOCK_THREAD_CPUTIME_ID";
	case CLOCK_MONOTONIC_RAW:
		return "CLOCK_MONOTONIC_RAW";
	case CLOCK_REALTIME_COARSE:
		return "CLOCK_REALTIME_COARSE";
	case CLOCK_MONOTONIC_COARSE:
		return "CLOCK_MONOTONIC_COARSE";
	case CLOCK_BOOTTIME:
		return "CLOCK_BOOTTIME";
	case CLOCK_REALTIME_ALARM:
		return "CLOCK_REALTIME_ALARM";
	case CLOCK_BOOTTIME_ALARM:
		return "CLOCK_BOOTTIME_ALARM";
	case CLOCK_TAI:
		return "CLOCK_TAI";
	default:
		return fmt::format("unknown clock ({})", clockid);
	}
}

std::string sigev_notify_name(std::int32_t notify)
{
	switch (notify) {
	case SIGEV_SIGNAL:
		return "SIGEV_SIGNAL";
	case SIGEV_NONE:
		return "SIGEV_NONE";
	case SIGEV_THREAD:
		return "SIGEV_THREAD";
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		return "SIGEV_THREAD_ID";
	default:
		return fmt::format("unknown notification ({})", notify);
	}
}

std::string posix_timer_flags_names(std::uint32_t flags)
{
	return flag_names(flags, {{CKPT_PTIMER_ABSTIME, "ABSTIME"},
				  {CKPT_PTIMER_ARMED, "ARMED"},
				  {CKPT_PTIMER_SIGPENDING, "SIGPENDING"}});
}

std::string inet_family_name(std::uint16_t family)
{
	switch (family) {
	case AF_INET:
		return "IPv4";
	case AF_INET6:
		return "IPv6";
	default:
		return fmt::format("family {}", family);
	}
}

std::string inet_protocol_name(std::uint16_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return fmt::format("protocol {}", protocol);
	}
}

std::string tcp_state_name(std::uint16_t state)
{
	/* The kernel's TCP_ESTABLISHED, TCP_CLOSE, TCP_CLOSE_WAIT and TCP_LISTEN. */
	switch (state) {
	case 1:
		return "ESTABLISHED";
	case 7:
		return "CLOSE";
	case 8:
		return "CLOSE_WAIT";
	case 10:
		return "LISTEN";
	default:
		return std::to_string(state);
	}
}

std::string inet_addr_string(std::uint16_t family, const std::uint8_t (&addr)[16])
{
	if (family == AF_INET || family == AF_INET6) {
		char text[INET6_ADDRSTRLEN];
		if (::inet_ntop(family, addr, text, sizeof(text)))
			return text;
	}
	std::string hex;
	for (std::uint8_t b : addr)
		hex += fmt::format("{:02x}", b);
	return hex;
}

std::string inet_endpoint_string(std::uint16_t family, const std::uint8_t (&addr)[16],
				 std::uint16_t port)
{
	if (family == AF_INET6)
		return fmt::format("[{}]:{}", inet_addr_string(family, addr), port);
	if (family == AF_INET)
		return fmt::format("{}:{}", inet_addr_string(family, addr), port);
	return fmt::format("{} port {}", inet_addr_string(family, addr), port);
}

std::string inet_flags_names(std::uint32_t flags)
{
	return flag_names(flags,
			  {{CKPT_INET_NONBLOCK, "nonblock"},
			   {CKPT_INET_SHUT_RD, "shut_rd"},
			   {CKPT_INET_SHUT_WR, "shut_wr"},
			   {CKPT_INET_SNDBUF, "sndbuf"},
			   {CKPT_INET_RCVBUF, "rcvbuf"},
			   {CKPT_INET_REUSEADDR, "reuseaddr"},
			   {CKPT_INET_REUSEPORT, "reuseport"},
			   {CKPT_INET_KEEPALIVE, "keepalive"},
			   {CKPT_INET_BROADCAST, "broadcast"},
			   {CKPT_INET_LINGER, "linger"},
			   {CKPT_INET_V6ONLY, "v6only"},
			   {CKPT_INET_BOUND_ADDR, "bound_addr"},
			   {CKPT_INET_BOUND_PORT, "bound_port"},
			   {CKPT_INET_NODELAY, "nodelay"},
			   {CKPT_INET_CORK, "cork"}},
			  " ");
}

std::string unix_flags_names(std::uint32_t flags)
{
	return flag_names(flags,
			  {{CKPT_UNIX_NONBLOCK, "nonblock"},
			   {CKPT_UNIX_SHUT_RD, "shut_rd"},
			   {CKPT_UNIX_SHUT_WR, "shut_wr"},
			   {CKPT_UNIX_PASSCRED, "passcred"},
			   {CKPT_UNIX_SNDBUF, "sndbuf"},
			   {CKPT_UNIX_RCVBUF, "rcvbuf"},
			   {CKPT_UNIX_BOUND, "bound"},
			   {CKPT_UNIX_LISTENING, "listening"}},
			  " ");
}

std::string unix_addr_string(std::string_view addr)
{
	if (addr.empty() || addr.front() != '\0')
		return std::string(addr);
	std::string name(addr);
	std::replace(name.begin(), name.end(), '\0', '@');
	return name;
}

std::string netlink_flags_names(std::uint32_t flags)
{
	return flag_names(flags,
			  {{CKPT_NETLINK_BOUND, "bound"},
			   {CKPT_NETLINK_CONNECTED, "connected"},
			   {CKPT_NETLINK_NONBLOCK, "nonblock"},
			   {CKPT_NETLINK_PKTINFO, "pktinfo"},
			   {CKPT_NETLINK_BROADCAST_ERROR, "broadcast_error"},
			   {CKPT_NETLINK_NO_ENOBUFS, "no_enobufs"},
			   {CKPT_NETLINK_CAP_ACK, "cap_ack"},
			   {CKPT_NETLINK_EXT_ACK, "ext_ack"},
			   {CKPT_NETLINK_STRICT_CHK, "strict_chk"},
			   {CKPT_NETLINK_PASSCRED, "passcred"},
			   {CKPT_NETLINK_SNDBUF, "sndbuf"},
			   {CKPT_NETLINK_RCVBUF, "rcvbuf"}},
			  " ");
}

std::string netlink_type_name(std::uint32_t type)
{
	switch (type) {
	case SOCK_RAW:
		return "raw";
	case SOCK_DGRAM:
		return "dgram";
	default:
		return fmt::format("type {}", type);
	}
}

std::string netlink_protocol_name(std::uint32_t protocol)
{
	switch (protocol) {
	case NETLINK_ROUTE:
		return "route";
	default:
		return fmt::format("protocol {}", protocol);
	}
}

std::string tcp_opts_names(std::uint32_t opts)
{
	return flag_names(opts,
			  {{CKPT_TCP_OPT_SACK, "sack"},
			   {CKPT_TCP_OPT_TSTAMP, "tstamp"},
			   {CKPT_TCP_OPT_WSCALE, "wscale"}},
			  " ");
}

std::string open_flags_names(std::uint32_t flags)
{
	std::string mode;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		mode = "O_RDONLY";
		break;
	case O_WRONLY:
		mode = "O_WRONLY";
		break;
	case O_RDWR:
		mode = "O_RDWR";
		break;
	default:
		mode = fmt::format("{:#x}", flags & O_ACCMODE);
		break;
	}
	flags &= ~static_cast<std::uint32_t>(O_ACCMODE);
	if (flags == 0)
		return mode;
	/* O_SYNC includes the O_DSYNC bit: it comes first. */
	return mode + "|" +
	       flag_names(flags, {{O_SYNC, "O_SYNC"},
				  {O_DSYNC, "O_DSYNC"},
				  {O_APPEND, "O_APPEND"},
				  {O_NONBLOCK, "O_NONBLOCK"},
				  {O_DIRECT, "O_DIRECT"},
				  {kernel_o_largefile, "O_LARGEFILE"},
				  {O_DIRECTORY, "O_DIRECTORY"},
				  {O_NOFOLLOW, "O_NOFOLLOW"},
				  {O_NOATIME, "O_NOATIME"},
				  {O_PATH, "O_PATH"},
				  {O_CLOEXEC, "O_CLOEXEC"},
				  {O_ASYNC, "O_ASYNC"}});
}

std::string signal_name(int sig)
{
	if (const char *name = ::sigabbrev_np(sig))
		return name;
	return std::to_string(sig);
}

std::string signal_full_name(int sig)
{
	if (sig == SIGRTMAX)
		return "SIGRTMAX";
	if (sig == SIGRTMIN)
		return "SIGRTMIN";
	if (sig > SIGRTMIN && sig < SIGRTMAX)
		return fmt::format("SIGRTMIN+{}", sig - SIGRTMIN);
	if (const char *name = ::sigabbrev_np(sig))
		return fmt::format("SIG{}", name);
	return fmt::format("signal {}", sig);
}

} // namespace cr

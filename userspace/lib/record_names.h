/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Human-readable names for the numbers of the image format.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cr {

/* "HEADER", "TREE", "VMA" etc.; an unknown type as "0x%08x". */
std::string record_type_name(std::uint32_t type);

/* True for the record types this library knows. */
bool is_known_record_type(std::uint32_t type) noexcept;

/* "x86_64", "arm64"; an unknown architecture as "unknown (N)". */
std::string arch_name(std::uint16_t arch);

/* "CONTAINER" etc. joined with '|', "none" for 0, unknown bits in hex. */
std::string image_flags_names(std::uint32_t flags);

/* "crc32"; an unknown checksum type as "unknown (N)". */
std::string csum_type_name(std::uint32_t csum_type);

/* CKPT_TASK_* flags: "SESSION_LEADER|GROUP_LEADER", "none" for 0. */
std::string task_flags_names(std::uint32_t flags);

/* PROT_* bits as "rwx", "r-x", "---"; unknown bits appended as "+0x8". */
std::string prot_rwx(std::uint32_t prot);

/*
 * CKPT_VMA_ANON etc.: "anon", "file", "vdso", "vvar", "shared anon",
 * "memfd", "deleted", "sysv shm"; else "unknown (N)".
 */
std::string vma_kind_name(std::uint32_t kind);

/* CKPT_VMA_* flags: "GROWSDOWN|DONTFORK|DONTDUMP", "none" for 0. */
std::string vma_flags_names(std::uint32_t flags);

/*
 * CKPT_FILE_REG etc.: "reg", "dir", "chr", "tty"... "memfd", "deleted";
 * else "unknown (N)".
 */
std::string file_kind_name(std::uint32_t kind);
/* "NEW": CKPT_MEMFD_* flags of a MEMFD record, "none" for 0 */
std::string memfd_flags_names(std::uint32_t flags);
/* "NEW": CKPT_DELETED_* flags of a DELETED_FILE record, "none" for 0 */
std::string deleted_flags_names(std::uint32_t flags);
/* "NEW|RMID": CKPT_SYSV_SHM_* flags of a SYSV_SHM record, "none" for 0 */
std::string sysv_shm_flags_names(std::uint32_t flags);
/* "UTS", "IPC": CKPT_NS_*, the kind of a NAMESPACE record; else "unknown (N)" */
std::string namespace_kind_name(std::uint32_t kind);
/*
 * "F_SEAL_SHRINK|F_SEAL_GROW": the F_SEAL_* seals of a MEMFD record (SEAL,
 * SHRINK, GROW, WRITE, FUTURE_WRITE, EXEC, in the kernel's values whatever
 * the C library defines), "none" for 0, unknown bits in hex
 */
std::string memfd_seals_names(std::uint32_t seals);
/*
 * "thread", "process", "process group": CKPT_OWNER_*, the kind of owner
 * of a FILE_OWNER record; else "unknown (N)"
 */
std::string owner_type_name(std::uint32_t type);
/*
 * The signal of a FILE_OWNER record: "SIGIO" for 0 (F_SETSIG's default)
 * and for SIGIO (which the C library calls SIGPOLL), else as
 * signal_full_name() says ("SIGRTMIN+1")
 */
std::string io_signal_name(std::int32_t signum);
/* "LOCKED|PACKET": CKPT_PTY_* flags */
std::string pty_flags_names(std::uint32_t flags);
/* "ABSTIME|CANCEL_ON_SET": CKPT_TIMERFD_* flags */
std::string timerfd_flags_names(std::uint32_t flags);
/* "IN_CREATE|IN_DELETE": the IN_* bits of an inotify watch or event mask */
std::string inotify_mask_names(std::uint32_t mask);
/* "CLOCK_MONOTONIC": a clock id; else "unknown clock (N)" */
std::string clock_name(std::int32_t clockid);
/*
 * "SIGEV_SIGNAL", "SIGEV_NONE", "SIGEV_THREAD_ID" (for SIGEV_SIGNAL |
 * SIGEV_THREAD_ID): a POSIX timer's sigev_notify; else "unknown
 * notification (N)"
 */
std::string sigev_notify_name(std::int32_t notify);
/* "ARMED|SIGPENDING": CKPT_PTIMER_* flags */
std::string posix_timer_flags_names(std::uint32_t flags);

/* "IPv4" (AF_INET), "IPv6" (AF_INET6); else "family N" */
std::string inet_family_name(std::uint16_t family);
/* "TCP" (IPPROTO_TCP), "UDP" (IPPROTO_UDP); else "protocol N" */
std::string inet_protocol_name(std::uint16_t protocol);
/* "ESTABLISHED" (1), "CLOSE" (7), "LISTEN" (10): a socket's state; else the number */
std::string tcp_state_name(std::uint16_t state);
/*
 * An address of an INET_SOCK record, in network byte order: "127.0.0.1"
 * (AF_INET: its first 4 bytes), "::1" (AF_INET6); of another family its
 * 16 bytes in hex.
 */
std::string inet_addr_string(std::uint16_t family, const std::uint8_t (&addr)[16]);
/* "127.0.0.1:4000", "[::1]:4000": an address and its port (host order) */
std::string inet_endpoint_string(std::uint16_t family, const std::uint8_t (&addr)[16],
				 std::uint16_t port);
/* "nonblock reuseaddr nodelay": CKPT_INET_* flags, "none" for 0 */
std::string inet_flags_names(std::uint32_t flags);
/* "nonblock bound listening": CKPT_UNIX_* flags, "none" for 0 */
std::string unix_flags_names(std::uint32_t flags);
/*
 * A UNIX socket's address, sun_path's bytes, as ss shows it: a path name
 * as is, an abstract name (a leading NUL byte) as "@" and its name, each
 * NUL byte in it as "@" too.
 */
std::string unix_addr_string(std::string_view addr);
/* "bound nonblock ext_ack": CKPT_NETLINK_* flags, "none" for 0 */
std::string netlink_flags_names(std::uint32_t flags);
/* "raw" (SOCK_RAW), "dgram" (SOCK_DGRAM): a netlink socket's type; else "type N" */
std::string netlink_type_name(std::uint32_t type);
/* "route" (NETLINK_ROUTE); else "protocol N" */
std::string netlink_protocol_name(std::uint32_t protocol);
/* "sack tstamp wscale": CKPT_TCP_OPT_* options, "none" for 0 */
std::string tcp_opts_names(std::uint32_t opts);

/*
 * The O_* flags of an open file: the access mode and the status flags
 * ("O_RDWR|O_APPEND"), in this machine's O_* values; unknown bits in hex.
 */
std::string open_flags_names(std::uint32_t flags);

/* "INT" for SIGINT (signal 2); an unknown signal as its number. */
std::string signal_name(int sig);
/*
 * "SIGINT" for signal 2; a real-time signal relative to this C library's
 * SIGRTMIN, as kill -l names it ("SIGRTMIN+1": 35 with glibc), or
 * "SIGRTMAX"; else "signal N".
 */
std::string signal_full_name(int sig);

} // namespace cr

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkimage KIND [PID]: writes a sample image to standard output, for the
 * tool tests.  KIND: valid, failed, optional, mandatory, truncated,
 * corrupt, trailing, process (one process, pid PID or 4242), tree (two
 * tasks), short (a VMA record shorter than its structure), inet (TCP
 * and UDP sockets: crtest::inet_image()), unix (UNIX sockets:
 * crtest::unix_image()), netlink (netlink sockets:
 * crtest::netlink_image()), mlock (shared and locked mappings:
 * crtest::mlock_image()), sigio (O_ASYNC and owners of I/O signals:
 * crtest::sigio_image()), memfd (memfds, their mappings and open files:
 * crtest::memfd_image()), deleted (deleted files, their mappings and open
 * files: crtest::deleted_file_image()), namespaces (the container section,
 * UTS and IPC namespaces, System V segments and semaphore sets, SEM_UNDO
 * adjustments: crtest::namespace_image()),
 * badns (a task of PID or 4242 in UTS namespace 9, which no NAMESPACE
 * record describes), nsjoin (4242's children 4243 and 4244 both in UTS
 * namespace 3, new at 4243: 4244 would have to join it).
 */
#include "io.h"
#include "test_util.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		std::fprintf(stderr, "usage: mkimage KIND [PID]\n");
		return 2;
	}
	std::string_view kind = argv[1];
	std::int32_t pid = argc == 3 ? std::atoi(argv[2]) : 4242;
	crtest::Bytes image;
	try {
		if (kind == "valid" || kind == "trailing" || kind == "truncated") {
			image = crtest::empty_image();
		} else if (kind == "failed" || kind == "corrupt") {
			image = crtest::failed_image("checkpoint of pid 1 is not supported yet");
		} else if (kind == "optional" || kind == "mandatory") {
			std::uint32_t type = 0x01f0;
			if (kind == "optional")
				type |= CKPT_REC_OPTIONAL;
			image = crtest::build_image([type](cr::RecordWriter &w) {
				w.write_header(cr::make_header(1, CKPT_IMAGE_CONTAINER));
				w.write(type, crtest::text_bytes("a task"));
				w.write_tail();
			});
		} else if (kind == "process") {
			image = crtest::process_image(pid, 1);
		} else if (kind == "tree") {
			image = crtest::process_image(4242, 2);
		} else if (kind == "inet") {
			image = crtest::inet_image();
		} else if (kind == "unix") {
			image = crtest::unix_image();
		} else if (kind == "netlink") {
			image = crtest::netlink_image();
		} else if (kind == "mlock") {
			image = crtest::mlock_image();
		} else if (kind == "sigio") {
			image = crtest::sigio_image();
		} else if (kind == "memfd") {
			image = crtest::memfd_image();
		} else if (kind == "deleted") {
			image = crtest::deleted_file_image();
		} else if (kind == "namespaces") {
			image = crtest::namespace_image();
		} else if (kind == "badns") {
			image = crtest::build_image([pid](cr::RecordWriter &w) {
				w.write_header(cr::make_header(pid, 0));
				crtest::write_namespace(w, 3, CKPT_NS_IPC, pid);
				const ckpt_task_ids tasks[] = {
					crtest::task_ids(pid, 0, pid, pid, 9, 3)};
				crtest::write_tree_of(w, tasks);
				w.write_tail();
			});
		} else if (kind == "nsjoin") {
			image = crtest::build_image([](cr::RecordWriter &w) {
				w.write_header(cr::make_header(4242, 0));
				crtest::write_namespace(w, 3, CKPT_NS_UTS, 4243);
				const ckpt_task_ids tasks[] = {
					crtest::task_ids(4242, 0, 4242, 4242),
					crtest::task_ids(4243, 4242, 4242, 4242, 3, 0),
					crtest::task_ids(4244, 4242, 4242, 4242, 3, 0)};
				crtest::write_tree_of(w, tasks);
				w.write_tail();
			});
		} else if (kind == "short") {
			image = crtest::build_image([](cr::RecordWriter &w) {
				w.write_header(cr::make_header(4242, 0));
				crtest::write_tree(w, 4242);
				w.write(CKPT_REC_VMA, crtest::Bytes(16));
				w.write_tail();
			});
		} else {
			std::fprintf(stderr, "mkimage: unknown kind\n");
			return 2;
		}
		if (kind == "truncated")
			image.resize(image.size() - 12);
		if (kind == "corrupt")
			crtest::flip_bit(image, crtest::error_offset + sizeof(ckpt_rec_error), 1);
		if (kind == "trailing")
			image.resize(image.size() + 8);
		cr::write_all(STDOUT_FILENO, image);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "mkimage: %s\n", e.what());
		return 1;
	}
	return 0;
}

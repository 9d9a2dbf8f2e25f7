/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The properties of this machine that decide whether an image can be
 * restored on it (the kernel's ENOEXEC checks): architecture, page size
 * and the user CPU state features (x86_64: XCR0).
 */
#pragma once

#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <optional>
#include <string>
#include <vector>

namespace cr {

struct MachineInfo {
	std::uint16_t arch = 0; /* CKPT_ARCH_*, 0 if libcr does not know this architecture */
	std::uint16_t page_shift = 0;
	std::optional<std::uint64_t> cpu_features;   /* x86_64 with XSAVE: XCR0 */
	std::optional<std::uint32_t> cpu_state_size; /* x86_64 with XSAVE: xsave area size */
};

MachineInfo this_machine();

/*
 * Why an image with header @hdr cannot be restored on @machine, one
 * sentence per reason (the same checks the kernel makes, which answers
 * ENOEXEC).  Empty when it can.
 */
std::vector<std::string> restore_problems(const ckpt_rec_header &hdr, const MachineInfo &machine);

} // namespace cr

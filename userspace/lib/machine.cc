// SPDX-License-Identifier: LGPL-2.1-or-later
#include "machine.h"

#include "record_names.h"

#include <bit>
#include <fmt/format.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace cr {

namespace {

#if defined(__x86_64__)
/* XCR0 and the xsave area size it implies, if the OS enabled XSAVE. */
void read_xsave_info(MachineInfo &m)
{
	unsigned int eax, ebx, ecx, edx;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE))
		return;
	unsigned int lo, hi;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	m.cpu_features = (std::uint64_t{hi} << 32) | lo;
	/* CPUID.(EAX=0DH,ECX=0):EBX = size for the features enabled in XCR0. */
	if (__get_cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx))
		m.cpu_state_size = ebx;
}
#endif

} // namespace

MachineInfo this_machine()
{
	MachineInfo m;
#if defined(__x86_64__) && !defined(__ILP32__)
	m.arch = CKPT_ARCH_X86_64;
	read_xsave_info(m);
#elif defined(__aarch64__)
	m.arch = CKPT_ARCH_ARM64;
#endif
	long page_size = ::sysconf(_SC_PAGESIZE);
	if (page_size > 0)
		m.page_shift = static_cast<std::uint16_t>(
			std::countr_zero(static_cast<unsigned long>(page_size)));
	return m;
}

std::vector<std::string> restore_problems(const ckpt_rec_header &hdr, const MachineInfo &machine)
{
	std::vector<std::string> problems;
	if (hdr.arch != machine.arch)
		problems.push_back(fmt::format("the image is for {}, this machine is {}",
					       arch_name(hdr.arch), arch_name(machine.arch)));
	if (hdr.page_shift != machine.page_shift)
		problems.push_back(
			fmt::format("the image uses {}-byte pages, this machine {}-byte pages",
				    std::uint64_t{1} << (hdr.page_shift & 63),
				    std::uint64_t{1} << machine.page_shift));
	/* Only meaningful between machines of the same architecture. */
	if (hdr.arch == machine.arch && machine.cpu_features &&
	    (hdr.cpu_features & ~*machine.cpu_features) != 0)
		problems.push_back(fmt::format("the image uses CPU state features {:#x} that this "
					       "CPU lacks (it has {:#x})",
					       hdr.cpu_features & ~*machine.cpu_features,
					       *machine.cpu_features));
	return problems;
}

} // namespace cr

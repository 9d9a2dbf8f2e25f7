/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers over the image format of <linux/checkpoint_hdr.h>, which
 * stays the only definition of the format: nothing here restates a
 * constant or a structure, it only derives from them.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/checkpoint_hdr.h>
#include <string_view>

namespace cr {

static_assert(sizeof(CKPT_MAGIC) == CKPT_MAGIC_LEN + 1, "CKPT_MAGIC is CKPT_MAGIC_LEN bytes");
static_assert(sizeof(CKPT_TAIL_MAGIC) == CKPT_MAGIC_LEN + 1, "same for CKPT_TAIL_MAGIC");

/* The magic strings without their C string NUL. */
inline constexpr std::string_view header_magic{CKPT_MAGIC, CKPT_MAGIC_LEN};
inline constexpr std::string_view tail_magic{CKPT_TAIL_MAGIC, CKPT_MAGIC_LEN};

inline constexpr bool is_optional_type(std::uint32_t type) noexcept
{
	return (type & CKPT_REC_OPTIONAL) != 0;
}

/* The kinds of namespace a NAMESPACE record describes (format 1.11). */
inline constexpr std::uint32_t namespace_kinds[] = {CKPT_NS_UTS, CKPT_NS_IPC};

/*
 * The NAMESPACE objref of the namespace of @kind (CKPT_NS_UTS or
 * CKPT_NS_IPC) that @task lives in; 0: the checkpointer's, and any
 * other kind.
 */
inline constexpr std::uint32_t task_namespace(const ckpt_task_ids &task,
					      std::uint32_t kind) noexcept
{
	return kind == CKPT_NS_UTS ? task.uts_ns : kind == CKPT_NS_IPC ? task.ipc_ns : 0;
}

/* Rounds @len up to the record alignment (CKPT_REC_ALIGN). */
inline constexpr std::uint64_t align_record_len(std::uint64_t len) noexcept
{
	return (len + CKPT_REC_ALIGN - 1) / CKPT_REC_ALIGN * CKPT_REC_ALIGN;
}

} // namespace cr

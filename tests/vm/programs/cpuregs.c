// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpuregs DIR: keeps known values in general purpose registers (r12-r15,
 * and rax: a value of 64 bits, which a restored task gets back whole) and in
 * the AVX registers (or SSE without AVX) while it spins, so that a
 * freeze lands in the middle of the loop, and checks them on every
 * iteration.  Creates DIR/ready, counts rounds in DIR/progress, and
 * exits 0 when DIR/stop appears and no register ever changed, 1 when
 * one did.  The fs base (TLS) is checked too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static __thread unsigned long tls_word = 0x7157;

/*
 * Spin n times checking r12-r15, rax and xmm/ymm 9; returns 0 when
 * intact, else which check failed: 1 r12, 2 r14, 3 r13, 4 r15, 5 the
 * vector, 6 rax.
 */
/* r12-r15 and rax as a failed check found them */
static unsigned long seen[5];

static unsigned long spin(unsigned long n)
{
	static const unsigned long pattern[4] __attribute__((aligned(32))) = {
		0x0123456789abcdefUL, 0xfedcba9876543210UL,
		0x5555aaaa5555aaaaUL, 0x1234123412341234UL,
	};
	unsigned long bad;

	asm volatile(
		"movabs $0x1111222233334444, %%r12\n\t"
		"movabs $0x5555666677778888, %%r13\n\t"
		"mov %%r12, %%r14\n\t"
		"not %%r14\n\t"
		"mov %%r13, %%r15\n\t"
		"not %%r15\n\t"
		/* rax holds 64 bits a restart must give back whole */
		"movabs $0x9999888877776666, %%rax\n\t"
#ifdef __AVX__
		"vmovdqa (%[pat]), %%ymm8\n\t"
		"vmovdqa %%ymm8, %%ymm9\n\t"
#else
		"movdqa (%[pat]), %%xmm8\n\t"
		"movdqa %%xmm8, %%xmm9\n\t"
#endif
		"xor %[bad], %[bad]\n"
		"1:\n\t"
		"movabs $0x1111222233334444, %%rbx\n\t"
		"cmp %%rbx, %%r12\n\t"
		"jne 21f\n\t"
		"not %%rbx\n\t"
		"cmp %%rbx, %%r14\n\t"
		"jne 22f\n\t"
		"movabs $0x5555666677778888, %%rbx\n\t"
		"cmp %%rbx, %%r13\n\t"
		"jne 23f\n\t"
		"not %%rbx\n\t"
		"cmp %%rbx, %%r15\n\t"
		"jne 24f\n\t"
		"movabs $0x9999888877776666, %%rbx\n\t"
		"cmp %%rbx, %%rax\n\t"
		"jne 26f\n\t"
#ifdef __AVX__
		"vpcmpeqq (%[pat]), %%ymm9, %%ymm10\n\t"
		"vpmovmskb %%ymm10, %%ebx\n\t"
		"cmp $-1, %%ebx\n\t"
#else
		"movdqa %%xmm9, %%xmm10\n\t"
		"pcmpeqd (%[pat]), %%xmm10\n\t"
		"pmovmskb %%xmm10, %%ebx\n\t"
		"cmp $0xffff, %%ebx\n\t"
#endif
		"jne 25f\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"jmp 3f\n"
		"21:\n\t"
		"mov $1, %[bad]\n\t"
		"jmp 2f\n"
		"22:\n\t"
		"mov $2, %[bad]\n\t"
		"jmp 2f\n"
		"23:\n\t"
		"mov $3, %[bad]\n\t"
		"jmp 2f\n"
		"24:\n\t"
		"mov $4, %[bad]\n\t"
		"jmp 2f\n"
		"25:\n\t"
		"mov $5, %[bad]\n\t"
		"jmp 2f\n"
		"26:\n\t"
		"mov $6, %[bad]\n"
		"2:\n\t"
		"mov %%r12, 0(%[seen])\n\t"
		"mov %%r13, 8(%[seen])\n\t"
		"mov %%r14, 16(%[seen])\n\t"
		"mov %%r15, 24(%[seen])\n\t"
		"mov %%rax, 32(%[seen])\n"
		"3:\n\t"
		: [bad] "=&r"(bad), [n] "+r"(n)
		: [pat] "r"(pattern), [seen] "r"(seen)
		: "rax", "rbx", "r12", "r13", "r14", "r15", "xmm8", "xmm9",
		  "xmm10", "cc", "memory");
	return bad;
}

int main(int argc, char **argv)
{
	char path[512], line[32];
	struct stat st;
	long rounds = 0;
	int fd, n;

	if (argc != 2)
		return 2;
	snprintf(path, sizeof(path), "%s/progress", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/ready", argv[1]);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	snprintf(path, sizeof(path), "%s/stop", argv[1]);
	while (stat(path, &st)) {
		static const char *const names[] = {
			"", "r12", "r14", "r13", "r15", "xmm9/ymm9", "rax",
		};
		unsigned long bad = spin(20 * 1000 * 1000);

		if (bad) {
			printf("cpuregs: a register changed after %ld rounds: %s (r12-r15 %#lx %#lx %#lx %#lx, rax %#lx)\n",
			       rounds, bad < 7 ? names[bad] : "?", seen[0], seen[1],
			       seen[2], seen[3], seen[4]);
			return 1;
		}
		if (tls_word != 0x7157) {
			printf("cpuregs: TLS word changed\n");
			return 1;
		}
		n = snprintf(line, sizeof(line), "%ld\n", ++rounds);
		pwrite(fd, line, n, 0);
	}
	printf("cpuregs: %ld rounds, registers intact\n", rounds);
	return 0;
}

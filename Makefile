# Kernel checkpoint/restart: build, test and demo entry points.
# Every target installs what it needs first (scripts/install-deps.sh).
# ARCH=x86_64 (default) selects the target architecture.

export ARCH ?= x86_64

.PHONY: all deps kernel userspace selftests check demo bench fuzz vm patchset format clean distclean

all: kernel userspace selftests

deps:
	./scripts/install-deps.sh

kernel: deps
	./scripts/kernel-prepare.sh
	./scripts/kernel-build.sh

userspace: deps
	./scripts/userspace-build.sh

selftests: kernel
	./scripts/selftests-build.sh
	./scripts/vm-tests-build.sh

# Unit tests, patch series checks, kselftests and VM scenarios.
check:
	./tests/run.sh

# Build everything, boot the VM and run the demo in it.
demo: all
	./scripts/vm-run.sh --add tests/demo:/demo --add build/vm-tests-$(ARCH):/tests/bin -- /demo/demo.sh

# Checkpoint/restart speed against memcpy and tmpfs bandwidth, in the VM.
bench: all
	./scripts/bench.sh

# Mutated images fed to restart() in the VM for DURATION seconds (default
# 600), COUNT images at most; KERNEL_IMAGE=path boots another kernel.
fuzz: all
	./scripts/fuzz.sh --duration $(or $(DURATION),600) $(if $(COUNT),--count $(COUNT))

# An interactive shell in the test VM, with the tools and the tests.
vm: all
	./scripts/vm-run.sh --interactive \
		--add build/selftests-$(ARCH):/tests/selftests \
		--add build/vm-tests-$(ARCH):/tests/bin --add tests/vm:/tests/vm

# The kernel side as a git am-able series in build/patchset.
patchset:
	./scripts/kernel-prepare.sh >/dev/null
	./scripts/mkpatchset.sh

format:
	find userspace -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build/userspace build/kbuild-* build/selftests-* build/vm-* build/patchset build/test-*

distclean:
	rm -rf build
